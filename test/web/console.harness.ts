// Browser-test harness: a real Facegate server (real engine, collections, apps) on port 0 in a temp data dir, an
// admin REST key, and Chromium (test/helpers/services.ts) driven by playwright-core with a still image fed as the
// webcam. A setup that fails half-way closes what it had started, so the file ends instead of hanging.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createContainer, type Container } from '../../src/app/container.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp } from '../../src/server/app.ts';
import { chromiumPath, chromiumSkipReason, ffmpegPath } from '../helpers/services.ts';

/** Set when no Chromium runs on this machine: the browser tests are skipped with this reason. */
export const BROWSER_SKIP = chromiumSkipReason();
export const ARTIFACTS = 'test-artifacts';
export const FIXTURES = 'test/fixtures/images';

export interface ConsoleHarness {
  url: string;
  adminKey: string;
  browser: Browser;
  page: Page;
  container: Container;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A Y4M clip of one still photo, padded to 640×480: Chromium's fake camera plays it in a loop. */
export function fakeCamera(photo: string, dir: string): string {
  const out = join(dir, 'camera.y4m');
  const r = spawnSync(
    ffmpegPath(),
    [
      '-v',
      'error',
      '-y',
      '-loop',
      '1',
      '-i',
      photo,
      '-t',
      '1',
      '-r',
      '5',
      '-vf',
      'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2',
      '-pix_fmt',
      'yuv420p',
      out,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr || r.error?.message}`);
  return out;
}

/** `camera`: a ready Y4M clip to play instead of the still photo (e.g. a head-movement sequence). */
export async function startConsole(cameraPhoto: string, options: { camera?: string } = {}): Promise<ConsoleHarness> {
  const executablePath = chromiumPath();
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-console-'));
  const undo: (() => Promise<unknown> | unknown)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
  const close = async () => {
    while (undo.length) await undo.pop()?.();
  };
  try {
    // The cameras page's file camera decodes with the ffmpeg the tests found (the packaged one where the system has none).
    const config = loadConfig({}, { dataDir, streams: { ffmpegPath: ffmpegPath() } });
    const container = createContainer(config, createLogger('silent'));
    undo.push(() => container.close());
    // The Rekognition protocol is not used here; a ring with one throwaway key keeps SigV4 on.
    const keys = { find: () => undefined, ids: ['AKCONSOLETEST0000000'], source: 'config' as const };
    const app: FastifyInstance = await buildApp(container, { keys });
    undo.push(() => app.close());
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    // Fail fast and clearly when the models are not prepared, instead of timing out in the browser.
    await container.get('apps');
    const adminKey = (await (await container.get('restKeys')).create({ name: 'console-test', role: 'admin' })).key;
    const camera = options.camera ?? fakeCamera(cameraPhoto, dataDir);
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      timeout: 60_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${camera}`,
      ],
    });
    undo.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.grantPermissions(['camera'], { origin: url });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    mkdirSync(ARTIFACTS, { recursive: true });
    return {
      url,
      adminKey,
      browser,
      page,
      container,
      shot: async (name) =>
        void (await page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true })),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
