// DoorService on the real engine (visits built from fixture photos), real stores and an injected clock: strangers
// page the owner once, approval registers the face and texts a passcode, known visitors get one passcode that opens
// the door once and only within its TTL, wrong codes lock out, denials quiet the same stranger.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isFacegateError } from '../../src/errors.ts';
import type { SmsMessage } from '../../src/notify/notify.types.ts';
import { doorFixture, SETTINGS, type DoorFixture } from './door.fixture.ts';

const OWNER = '+15550000001';
const DANA = '+15550000002';
let f: DoorFixture;

const code = (e: unknown, c: string) => isFacegateError(e) && e.code === c;
const eventsOf = async (type: string) => (await f.outbox.list({ limit: 1000 })).filter((e) => e.type === type);
const smsTo = async (to: string): Promise<SmsMessage[]> =>
  (await f.notifyStore.listSms(1000)).filter((m) => m.to === to);
const passcodeIn = (m: SmsMessage | undefined): string => {
  const c = /passcode for .* is (\d{6})\./.exec(m?.body ?? '')?.[1];
  assert.ok(c, `no passcode in ${m?.body}`);
  return c;
};
const tokenOf = (url: unknown): string => new URL(String(url)).searchParams.get('token')!;

describe('DoorService', { timeout: 300_000 }, () => {
  before(async () => {
    f = await doorFixture();
    await f.service.defineDoor({ id: 'front', name: 'Front door', owner: { sms: OWNER } });
  });
  after(async () => f?.close());

  let danaToken = '';

  test('a stranger produces one door.unknown and one owner notification with a signed link', async () => {
    const outcome = await f.service.handleVisit(await f.visit('identity.jpg', 'search'));
    assert.equal(outcome.kind, 'unknown');
    const [unknown, ...more] = await eventsOf('door.unknown');
    assert.equal(more.length, 0);
    assert.equal(unknown?.collectionId, 'door-front');
    assert.equal(unknown?.data.thumbnailKey, `pending/front/${outcome.pendingId}/0.jpg`);
    assert.equal(unknown?.data.pendingId, outcome.pendingId);
    // The link decides the request: it is in the owner's notification only, never in the stored event.
    assert.equal(unknown?.data.approvalUrl, undefined);
    assert.doesNotMatch(JSON.stringify(unknown), /token/);

    await f.notifications.dispatch();
    const [delivery, ...others] = await f.notifyStore.listDeliveries({ eventId: unknown!.id });
    assert.equal(others.length, 0);
    assert.equal((await f.notifications.waitForDelivery(delivery!.id)).state, 'delivered');
    const [page, ...again] = await smsTo(OWNER);
    assert.equal(again.length, 0);
    assert.match(page!.body, /stranger is at Front door/);
    const link = /(https?:\/\/\S+\/approve\?token=\S+)/.exec(page!.body)?.[1];
    assert.ok(link, `the owner SMS carries the approval link: ${page!.body}`);
    danaToken = tokenOf(link);
    assert.equal((await f.service.approvals.byToken(danaToken)).pending.id, outcome.pendingId);
  });

  test('the same stranger seen again while waiting does not page the owner again', async () => {
    const outcome = await f.service.handleVisit(await f.visit('looking_at_screen.jpg', 'search'));
    assert.equal(outcome.kind, 'suppressed');
    assert.equal((await eventsOf('door.unknown')).length, 1);
  });

  test('a forged, altered or expired approval link is refused', async () => {
    const [id, exp, sig] = danaToken.split('.');
    const forged = [`${id}.${exp}.${'A'.repeat(sig!.length)}`, `${id}.${Number(exp) + 3600}.${sig}`, 'garbage', ''];
    for (const t of forged) await assert.rejects(f.service.approvals.byToken(t), (e) => code(e, 'ACCESS_DENIED'), t);
    f.clock.advance(SETTINGS.approvalTtlSeconds);
    await assert.rejects(
      f.service.approvals.byToken(danaToken),
      (e) => code(e, 'ACCESS_DENIED') && /expired/.test((e as Error).message),
    );
    f.clock.advance(-SETTINGS.approvalTtlSeconds);
  });

  test('approving from the link registers the face and texts the visitor a passcode that opens the door once', async () => {
    const { pending } = await f.service.approvals.byToken(danaToken);
    await assert.rejects(f.service.approvals.approve(pending.id, { name: 'Dana', phone: '555' }), (e) =>
      code(e, 'INVALID_PARAMETER'),
    );
    const { visitor, passcodeSent } = await f.service.approvals.approve(pending.id, { name: 'Dana', phone: DANA });
    assert.equal(passcodeSent, true);
    assert.equal(visitor.faceIds.length, 1);
    assert.equal((await eventsOf('door.approved')).length, 1);
    await assert.rejects(f.service.approvals.approve(pending.id, { name: 'Eve', phone: DANA }), (e) =>
      code(e, 'CONFLICT'),
    );
    await assert.rejects(f.service.approvals.deny(pending.id), (e) => code(e, 'CONFLICT'));
    const sms = await smsTo(DANA);
    assert.equal(sms.length, 1);
    const r = await f.service.entry.open('front', passcodeIn(sms[0]), '10.0.0.1');
    assert.deepEqual(r, { granted: true, name: 'Dana', message: 'Welcome, Dana' });
  });

  test('a known visit gives exactly one door.known and one SMS whose passcode opens the door once', async () => {
    const before = (await smsTo(DANA)).length;
    const visit = await f.visit('looking_at_screen.jpg', 'search');
    assert.equal(visit.verdict.kind, 'known', 'the approved face is found from another photo of her');
    const outcome = await f.service.handleVisit(visit);
    assert.equal(outcome.kind, 'known');
    const known = await eventsOf('door.known');
    assert.equal(known.length, 1);
    assert.equal(known[0]?.data.visitorName, 'Dana');
    assert.equal(known[0]?.data.thumbnailKey, `visits/front/${visit.id}.jpg`);
    const sms = await smsTo(DANA);
    assert.equal(sms.length, before + 1);
    assert.equal(sms[0]?.eventId, known[0]?.id);
    const passcode = passcodeIn(sms[0]);
    assert.equal((await f.service.entry.open('front', passcode, '10.0.0.1')).granted, true);
    const replay = await f.service.entry.open('front', passcode, '10.0.0.1');
    assert.deepEqual(replay, { granted: false, outcome: 'used', message: 'Permission denied' });
    assert.equal((await eventsOf('door.opened')).length, 2);
  });

  test('a passcode used after its 5 minutes is refused', async () => {
    await f.service.handleVisit(await f.visit('looking_at_screen.jpg', 'search'));
    const passcode = passcodeIn((await smsTo(DANA))[0]);
    f.clock.advance(SETTINGS.passcodeTtlSeconds);
    const r = await f.service.entry.open('front', passcode, '10.0.0.1');
    assert.equal(r.granted, false);
    assert.equal(!r.granted && r.outcome, 'expired');
  });

  test('five wrong passcodes lock the address out, with a growing back-off, and every attempt is audited', async () => {
    await f.service.handleVisit(await f.visit('looking_at_screen.jpg', 'search'));
    const passcode = passcodeIn((await smsTo(DANA))[0]);
    const wrong = passcode === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await f.service.entry.open('front', wrong, '10.0.0.9');
      assert.equal(!r.granted && r.outcome, 'wrong');
    }
    const locked = await f.service.entry.open('front', passcode, '10.0.0.9');
    assert.equal(!locked.granted && locked.outcome, 'locked');
    assert.equal(!locked.granted && locked.retryAfterSeconds, SETTINGS.lockoutSeconds);
    const elsewhere = await f.service.entry.open('front', 'abc', '10.0.0.10');
    assert.equal(!elsewhere.granted && elsewhere.outcome, 'wrong', 'another address is not locked out');
    f.clock.advance(SETTINGS.lockoutSeconds);
    const sixth = await f.service.entry.open('front', wrong, '10.0.0.9');
    assert.equal(!sixth.granted && sixth.outcome, 'wrong');
    const again = await f.service.entry.open('front', passcode, '10.0.0.9');
    assert.equal(!again.granted && again.retryAfterSeconds, 2 * SETTINGS.lockoutSeconds, 'the back-off doubles');
    f.clock.advance(2 * SETTINGS.lockoutSeconds);
    assert.equal(
      (await f.service.entry.open('front', passcode, '10.0.0.9')).granted,
      true,
      'the code survived the lock-out',
    );
    const audit = await f.service.store.listAttempts('front', 10);
    assert.deepEqual(
      audit.slice(0, 4).map((a) => [a.outcome, a.address]),
      [
        ['granted', '10.0.0.9'],
        ['locked', '10.0.0.9'],
        ['wrong', '10.0.0.9'],
        ['wrong', '10.0.0.10'],
      ],
    );
  });

  test('deny records the denial: the same stranger does not page the owner again within the cool-down', async () => {
    const first = await f.service.handleVisit(await f.visit('photo1.jpeg', 'search'));
    assert.equal(first.kind, 'unknown');
    await f.service.approvals.deny(first.pendingId!);
    assert.equal((await eventsOf('door.denied')).length, 1);
    assert.equal((await f.service.handleVisit(await f.visit('photo1.jpeg', 'search'))).kind, 'suppressed');
    const other = await f.service.handleVisit(await f.visit('grace_hopper_512x512.jpg', 'search'));
    assert.equal(other.kind, 'unknown', 'a different stranger still pages the owner');
    f.clock.advance(SETTINGS.denyCooldownSeconds);
    assert.equal((await f.service.handleVisit(await f.visit('photo1.jpeg', 'search'))).kind, 'unknown');
  });

  test('a passcode whose SMS did not leave is replaced and sent by the sweep', async () => {
    f.sender.failures = 1;
    const before = (await smsTo(DANA)).length;
    await f.service.handleVisit(await f.visit('looking_at_screen.jpg', 'search'));
    assert.equal((await smsTo(DANA)).length, before);
    f.clock.advance(31);
    assert.equal(await f.service.passcodes.recoverUnsent((id) => f.service.store.getDoor(id)), 1);
    const sms = await smsTo(DANA);
    assert.equal(sms.length, before + 1);
    assert.equal((await f.service.entry.open('front', passcodeIn(sms[0]), '10.0.0.1')).granted, true);
  });

  test('with a second factor, the passcode opens only after a recent recognised visit', async () => {
    await f.service.defineDoor({ id: 'front', name: 'Front door', owner: { sms: OWNER }, secondFactorSeconds: 60 });
    await f.service.handleVisit(await f.visit('looking_at_screen.jpg', 'search'));
    const passcode = passcodeIn((await smsTo(DANA))[0]);
    f.clock.advance(61);
    const late = await f.service.entry.open('front', passcode, '10.0.0.1');
    assert.equal(!late.granted && late.outcome, 'no-face');
    await f.service.handleVisit(await f.visit('identity.jpg', 'search'));
    const fresh = passcodeIn((await smsTo(DANA))[0]);
    assert.equal((await f.service.entry.open('front', fresh, '10.0.0.1')).granted, true);
    await f.service.defineDoor({ id: 'front', name: 'Front door', owner: { sms: OWNER } });
  });

  test('visits of cameras without a door, or of an unknown door, are ignored', async () => {
    assert.equal(
      (await f.service.handleVisit({ ...(await f.visit('identity.jpg', 'search')), doorId: null })).kind,
      'ignored',
    );
    assert.equal(
      (await f.service.handleVisit(await f.visit('identity.jpg', { kind: 'unknown', bestSimilarity: null }, 'nowhere')))
        .kind,
      'ignored',
    );
    assert.equal((await f.notifyStore.listSubscriptions()).length, 1, 'the owner was subscribed once');
  });
});
