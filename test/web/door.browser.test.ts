// The door pages in Chromium against a real server: a stranger (a real descriptor from a fixture photo) pages the
// owner by SMS with a signed link; approving on the link's page texts the visitor a passcode (read from the SMS
// outbox) that the virtual door page accepts once; five wrong passcodes lock the page out; the console's Door section
// lists the visitor and the attempts. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { OpenedDoor } from '../../src/apps/door/door.factory.ts';
import type { OpenedPipeline } from '../../src/apps/pipeline/pipeline.factory.ts';
import type { Visit } from '../../src/streams/visit.types.ts';
import { FIXTURES, startConsole, type ConsoleHarness } from './console.harness.ts';

const OWNER = '+15550000001';
const DANA = '+15550000002';
let h: ConsoleHarness;
let door: OpenedDoor;
let pipeline: OpenedPipeline;

async function strangerVisit(file: string, doorId: string): Promise<Visit> {
  const engine = await h.container.get('engine');
  const jpeg = new Uint8Array(readFileSync(join(FIXTURES, file)));
  const face = (await engine.analyze(jpeg, { descriptors: true })).faces[0]!;
  const now = new Date();
  return {
    id: randomUUID(),
    cameraId: 'cam',
    doorId,
    collectionId: `door-${doorId}`,
    trackId: randomUUID(),
    verdict: { kind: 'unknown', bestSimilarity: null },
    firstSeenAt: now,
    decidedAt: now,
    framesSeen: 4,
    snapshots: [{ jpeg, box: face.box, quality: 90 }],
    descriptor: face.descriptor!,
  };
}

const smsTo = async (to: string) => (await pipeline.notifyStore.listSms(1000)).filter((m) => m.to === to);

describe('door pages in Chromium', { timeout: 300_000 }, () => {
  before(async () => {
    h = await startConsole(join(FIXTURES, 'identity.jpg'));
    door = await h.container.get('door');
    pipeline = await h.container.get('pipeline');
    await door.service.defineDoor({ id: 'front', name: 'Front door', owner: { sms: OWNER } });
    await door.service.defineDoor({ id: 'back', name: 'Back door' });
  });
  after(async () => h?.close());

  test('approving from the link page texts the visitor a passcode that the door page accepts once', async () => {
    const { page } = h;
    await door.service.visit(await strangerVisit('identity.jpg', 'front'));
    const [unknown] = await pipeline.outbox.list({ type: 'door.unknown' });
    assert.ok(unknown, 'door.unknown was committed');
    await pipeline.notifications.dispatch();
    const [delivery] = await pipeline.notifyStore.listDeliveries({ eventId: unknown.id });
    assert.equal((await pipeline.notifications.waitForDelivery(delivery!.id)).state, 'delivered');
    const [ownerSms] = await smsTo(OWNER);
    const link = /(https?:\/\/\S+\/approve\?token=\S+)/.exec(ownerSms?.body ?? '')?.[1];
    assert.ok(link, `the owner SMS carries the approval link: ${ownerSms?.body}`);

    const forged = new URL(link);
    forged.searchParams.set(
      'token',
      forged.searchParams.get('token')!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    );
    await page.goto(h.url + forged.pathname + forged.search);
    await page.locator('#approval-error', { hasText: 'not valid' }).waitFor();

    const real = new URL(link);
    await page.goto(h.url + real.pathname + real.search);
    await page.locator('#approval img.thumb').waitFor();
    assert.ok(
      await page.locator('#approval img.thumb').evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0),
    );
    await page.fill('#approval input[name=name]', 'Dana');
    await page.fill('#approval input[name=phone]', DANA);
    await page.click('#approval button[name=approve]');
    await page.locator('#approval .result.approved', { hasText: 'Dana was sent a passcode' }).waitFor();
    await h.shot('door-approval');

    const [sms] = await smsTo(DANA);
    const passcode = /passcode for Front door is (\d{6})/.exec(sms?.body ?? '')?.[1];
    assert.ok(passcode, `the visitor SMS carries a passcode: ${sms?.body}`);

    await page.goto(h.url + '/door/front');
    await page.fill('#door input[name=passcode]', passcode);
    await page.click('#door button[type=submit]');
    await page.locator('#door .result.granted', { hasText: 'Welcome, Dana' }).waitFor();
    await h.shot('door-welcome');
    await page.fill('#door input[name=passcode]', passcode);
    await page.click('#door button[type=submit]');
    await page.locator('#door .result.denied', { hasText: 'Permission denied' }).waitFor();
  });

  test('five wrong passcodes lock the door page out', async () => {
    const { page } = h;
    await page.goto(h.url + '/door/back');
    const result = page.locator('#door .result');
    for (let i = 1; i <= 5; i++) {
      await page.fill('#door input[name=passcode]', String(100000 + i));
      await page.click('#door button[type=submit]');
      await page.locator(`#door .result.denied`).waitFor();
      assert.equal(await result.textContent(), 'Permission denied');
      // The next answer replaces this one: clear it so the wait sees the new one.
      await result.evaluate((el) => ((el.textContent = ''), el.setAttribute('class', 'result')));
    }
    await page.fill('#door input[name=passcode]', '123456');
    await page.click('#door button[type=submit]');
    await page.locator('#door .result.locked', { hasText: 'too many wrong passcodes' }).waitFor();
    assert.equal(await page.locator('#door input[name=passcode]').isDisabled(), true);
    await h.shot('door-locked');
    const audit = await door.service.store.listAttempts('back', 10);
    assert.deepEqual(
      audit.map((a) => a.outcome),
      ['locked', 'wrong', 'wrong', 'wrong', 'wrong', 'wrong'],
    );
  });

  test('the door page acting as the camera: its webcam frames bring a stranger to the door', async () => {
    const cameras = await h.container.get('cameras');
    const key = (await (await h.container.get('restKeys')).create({ name: 'door-tablet' })).key;
    // The fake webcam shows identity.jpg: registered at the front door, a stranger at the back door.
    await cameras.create({ id: 'back-cam', source: { kind: 'push' }, collectionId: 'door-back', doorId: 'back' });
    const decided = new Promise<void>((resolve) => {
      const detach = cameras.addSink({
        visit: async (v) => {
          if (v.doorId !== 'back') return;
          detach();
          resolve();
        },
        left: async () => undefined,
      });
    });
    await h.page.goto(`${h.url}/door/back?camera=back-cam#key=${key}`);
    await h.page.locator('#camera-state', { hasText: 'frames sent' }).waitFor();
    // Sinks hear a visit concurrently: once the camera has decided, wait (bounded) for the door's event.
    await decided;
    const doorUnknown = async () =>
      (await pipeline.outbox.list({ type: 'door.unknown' })).filter((e) => e.collectionId === 'door-back');
    const until = Date.now() + 15_000;
    while ((await doorUnknown()).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await doorUnknown()).length, 1);
    await h.page.goto('about:blank');
    await cameras.delete('back-cam');
  });

  test('the console Door section lists the visitor and the attempts', async () => {
    const { page } = h;
    await page.goto(h.url + '/');
    await page.fill('input[name=apiKey]', h.adminKey);
    await page.click('button[type=submit]');
    await page.locator('nav a[href="#/door"]').click();
    await page.selectOption('#door-pick', 'front');
    await page.locator('#door-visitors .visitor .name', { hasText: 'Dana' }).waitFor();
    await page.locator('#door-attempts td', { hasText: 'granted' }).first().waitFor();
    await page.locator('#door-visits td', { hasText: 'unknown' }).first().waitFor();
    await h.shot('console-door');
  });
});
