// The Face Liveness page in Chromium with the fake webcam against a real server: a clip that turns the head both
// ways (a frontal photo, a turned photo and its mirror image, looped) passes; a still photo played as the camera
// fails the challenge. The session is created through the service (as a backend's CreateFaceLivenessSession would)
// and its result read back from it. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ffmpegPath } from '../helpers/services.ts';
import { BROWSER_SKIP, FIXTURES, startConsole, type ConsoleHarness } from './console.harness.ts';

const opened: ConsoleHarness[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'facegate-liveness-cam-'));
after(async () => {
  for (const h of opened) await h.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A Y4M clip: frontal (dani_1_640), turned (dani_640), turned the other way (its mirror), 1.2 s each, 10 fps. */
function headTurnClip(): string {
  const out = join(tmp, 'turns.y4m');
  const fit = 'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=10';
  const r = spawnSync(
    ffmpegPath(),
    [
      ...['-v', 'error', '-y'],
      ...['-loop', '1', '-t', '1.2', '-i', join(FIXTURES, 'dani_1_640.jpg')],
      ...['-loop', '1', '-t', '1.2', '-i', join(FIXTURES, 'dani_640.jpg')],
      ...['-loop', '1', '-t', '1.2', '-i', join(FIXTURES, 'dani_640.jpg')],
      '-filter_complex',
      `[0:v]${fit}[a];[1:v]${fit}[b];[2:v]hflip,${fit}[c];[a][b][c]concat=n=3:v=1:a=0[v]`,
      ...['-map', '[v]', '-pix_fmt', 'yuv420p', out],
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr || r.error?.message}`);
  return out;
}

async function runPage(h: ConsoleHarness, name: string): Promise<{ status: string; confidence?: number }> {
  const svc = await h.container.get('liveness');
  const id = await svc.create({ auditImagesLimit: 1 });
  await h.page.goto(`${h.url}/liveness?session=${id}`);
  await h.page.getByRole('button', { name: 'Start' }).click();
  // Set by the page once the session is completed (bounded by the page's frame cap and the default timeout).
  await h.page.waitForSelector('body[data-liveness]', { timeout: 90_000 });
  await h.shot(`liveness-${name}`);
  const r = await svc.results(id);
  assert.equal(await h.page.evaluate(() => document.body.dataset.liveness), r.status);
  return r;
}

describe('the liveness page with a fake webcam', { skip: BROWSER_SKIP }, () => {
  test('a clip that turns the head both ways passes', async () => {
    const h = await startConsole(join(FIXTURES, 'dani_1_640.jpg'), { camera: headTurnClip() });
    opened.push(h);
    const r = await runPage(h, 'turns');
    assert.equal(r.status, 'SUCCEEDED');
    assert.ok(r.confidence! > 0);
    assert.match((await h.page.textContent('.status'))!, /check is complete/);
  });

  test('a still photo played as the camera fails the challenge', async () => {
    const h = await startConsole(join(FIXTURES, 'dani_1_640.jpg'));
    opened.push(h);
    const r = await runPage(h, 'still');
    assert.equal(r.status, 'FAILED');
    assert.equal(r.confidence, 0);
    assert.match((await h.page.textContent('.status'))!, /did not turn both ways/);
  });
});
