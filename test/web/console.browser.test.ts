// The console in a real browser: sign in, register a person with a photo, find them with another photo, and run
// the proctor page on a still image fed as the webcam. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BROWSER_SKIP, FIXTURES, startConsole, type ConsoleHarness } from './console.harness.ts';

let h: ConsoleHarness;

describe('web console in Chromium', { timeout: 300_000, skip: BROWSER_SKIP }, () => {
  before(async () => {
    // The webcam shows the proctoring subject looking at the screen.
    h = await startConsole(join(FIXTURES, 'looking_at_screen.jpg'));
  });
  after(async () => h?.close());

  test('refuses a wrong key and signs in with a valid one', async () => {
    const { page } = h;
    await page.goto(h.url + '/');
    await page.fill('input[name=apiKey]', 'fgk_000000000000_' + 'A'.repeat(43));
    await page.click('button[type=submit]');
    await page.locator('.status.error').waitFor();
    await page.fill('input[name=apiKey]', h.adminKey);
    await page.click('button[type=submit]');
    await page.locator('#register').waitFor();
    assert.ok(await page.locator('nav a[href="#/keys"]').isVisible(), 'admins see the keys page');
  });

  test('registers a person with a photo and finds them by another photo, with their name on the box', async () => {
    const { page } = h;
    await page.goto(h.url + '/#/people');
    await page.fill('#register input[name=name]', 'Dana Proctor');
    await page.fill('#register input[name=email]', 'dana@example.com');
    await page.setInputFiles('#register input[type=file]', join(FIXTURES, 'identity.jpg'));
    await page.click('#register button[type=submit]');
    await page.locator('.person .name', { hasText: 'Dana Proctor' }).waitFor();
    await page.locator('.person img.thumb[src^="blob:"]').waitFor();
    await h.shot('people');

    await page.goto(h.url + '/#/search');
    await page.setInputFiles('input[type=file]', join(FIXTURES, 'looking_at_screen.jpg'));
    const verdict = page.locator('#search-result .verdict');
    await verdict.waitFor();
    assert.equal(await verdict.textContent(), 'Best match: Dana Proctor');
    await page.locator('#search-result canvas.result').waitFor();
    await h.shot('search');

    await page.setInputFiles('input[type=file]', join(FIXTURES, 'photo1.jpeg'));
    await page.locator('#search-result .verdict', { hasText: 'Unknown person' }).waitFor();

    // The same search from a webcam snapshot (the fake camera shows looking_at_screen.jpg).
    await page.reload();
    await page.click('button:text-is("Use webcam")');
    await page.click('button:text-is("Take snapshot")');
    await page.locator('#search-result .verdict', { hasText: 'Best match: Dana Proctor' }).waitFor();
    await h.shot('search-webcam');
  });

  test('verifies 1:1 against the chosen person, and lists the people collection with face thumbnails', async () => {
    const { page } = h;
    await page.goto(h.url + '/#/verify');
    await page.selectOption('select[name=person]', { label: 'Dana Proctor' });
    await page.setInputFiles('input[type=file]', join(FIXTURES, 'looking_at_screen.jpg'));
    await page.locator('#verify-result .verdict', { hasText: 'Verified: Dana Proctor' }).waitFor();
    await page.setInputFiles('input[type=file]', join(FIXTURES, 'grace_hopper_512x512.jpg'));
    await page.locator('#verify-result .verdict', { hasText: 'Not Dana Proctor' }).waitFor();
    await h.shot('verify');

    await page.goto(h.url + '/#/collections');
    await page.click('a:text-is("people")');
    await page.locator('#faces .face img.thumb[src^="blob:"]').waitFor();
    assert.equal(await page.locator('#faces .face .label').first().textContent(), 'Dana Proctor');
    await h.shot('collections');
  });

  test('runs the proctor checks live on the webcam and recognizes the indexed candidate', async () => {
    const { page } = h;
    await page.goto(h.url + '/#/proctor');
    await page.fill('input[name=fullName]', 'Dana Proctor');
    await page.setInputFiles('input[type=file]', join(FIXTURES, 'identity.jpg'));
    await page.locator('#candidates li', { hasText: 'Dana Proctor' }).waitFor();
    await page.click('#proctor-toggle');
    await page.locator('#checks .check').nth(4).waitFor();
    const checks = await page.locator('#checks .check').evaluateAll((els) =>
      els.map((e) => ({
        test: (e as HTMLElement).dataset.test,
        pass: e.classList.contains('pass'),
        text: e.textContent,
      })),
    );
    await h.shot('proctor');
    await page.click('#proctor-toggle');
    const by = Object.fromEntries(checks.map((c) => [c.test, c]));
    assert.equal(checks.length, 5);
    assert.equal(by['Person Recognition']?.pass, true, JSON.stringify(checks));
    assert.match(by['Person Recognition']?.text ?? '', /Dana Proctor/);
    assert.equal(by['Face Detection']?.pass, true);
    assert.equal(by['Objects of Interest']?.pass, true);
  });

  test('lists pipeline runs and shows one run with its steps', async () => {
    const { page } = h;
    const headers = { 'x-api-key': h.adminKey, 'content-type': 'application/json' };
    const def = await fetch(`${h.url}/v1/pipelines/signup`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ name: 'signup' }),
    });
    assert.ok(def.ok, await def.text());
    const image = readFileSync(join(FIXTURES, 'dani_640.jpg')).toString('base64');
    const up = await fetch(`${h.url}/v1/pipelines/signup/uploads`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ image, userId: 'dani' }),
    });
    assert.equal(up.status, 202, await up.clone().text());
    const { runId } = (await up.json()) as { runId: string };
    await page.goto(h.url + '/#/pipeline');
    await page.click(`#runs a:text-is("${runId.slice(0, 8)}")`);
    await page.locator('#run-detail h2', { hasText: 'signup' }).waitFor();
    assert.ok((await page.locator('#run-detail tr').count()) > 1, 'the run lists its steps');
    await h.shot('pipeline');
  });

  test('creates and revokes an API key on the keys page', async () => {
    const { page } = h;
    await page.goto(h.url + '/#/keys');
    await page.fill('form input[name=name]', 'kiosk');
    await page.selectOption('form select[name=role]', 'reader');
    await page.fill('form input[name=collections]', 'people');
    await page.fill('form input[name=apps]', 'verify, proctor');
    await page.click('form button[type=submit]');
    await page.locator('.status', { hasText: 'New key' }).waitFor();
    const row = page.locator('#keys tr', { hasText: 'kiosk' });
    await row.locator('td', { hasText: 'collections: people; apps: proctor, verify' }).waitFor();
    assert.equal(await row.locator('td').nth(2).textContent(), 'reader');
    await row.locator('button', { hasText: 'Revoke' }).click();
    await row.locator('td', { hasText: 'revoked' }).waitFor();
    await h.shot('keys');
  });
});
