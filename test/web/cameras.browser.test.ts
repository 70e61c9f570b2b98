// The console's cameras page in Chromium: a file camera on the door video shows its live view (a refreshed snapshot
// with boxes) and the recent visits with the recognised name and the best frame. Screenshot in test-artifacts/.
import { after, before, test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES, startConsole, type ConsoleHarness } from './console.harness.ts';
import { doorFrames, doorVideo } from '../streams/streams.harness.ts';

let h: ConsoleHarness;
before(async () => {
  h = await startConsole(join(FIXTURES, 'dani_1_640.jpg'));
  const collections = await h.container.get('collections');
  await collections.createCollection({ collectionId: 'door' });
  const dani = new Uint8Array(await readFile(join(FIXTURES, 'dani_640.jpg')));
  await collections.indexFaces({ collectionId: 'door', image: { bytes: dani }, externalImageId: 'dani' });
  const video = await doorVideo(h.container.config.dataDir, await doorFrames());
  await (
    await h.container.get('cameras')
  ).create({
    id: 'front',
    name: 'Front door',
    source: { kind: 'file', path: video, loop: true },
    collectionId: 'door',
  });
});
after(async () => h?.close());

test('the cameras page shows the live view and the recent visits', { timeout: 180_000 }, async () => {
  const { page } = h;
  await page.goto(h.url + '/');
  await page.fill('input[name=apiKey]', h.adminKey);
  await page.click('button[type=submit]');
  await page.locator('nav a[href="#/cameras"]').waitFor();
  await page.goto(h.url + '/#/cameras');
  await page.locator('#cameras h2', { hasText: 'Front door' }).waitFor();
  await page.locator('#cameras img[src^="blob:"]').waitFor();
  await page.locator('#visits td', { hasText: 'dani' }).waitFor();
  await page.locator('#visits img[src^="blob:"]').first().waitFor();
  await h.shot('cameras');
});
