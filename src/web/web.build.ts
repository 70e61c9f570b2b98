// Builds the console (src/web/app → one ES module) with esbuild. `scripts/build-web.mjs` writes it to
// src/web/dist at install; the server builds it in memory on first request when dist is missing (a fresh clone).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const WEB_DIR = fileURLToPath(new URL('.', import.meta.url));
export const DIST_DIR = fileURLToPath(new URL('./dist/', import.meta.url));

export interface ConsoleAssets {
  'index.html': string;
  'console.js': string;
  'console.css': string;
  /** The public door pages (virtual door, approval from a signed link): their own small bundle, no API key. */
  'door.html': string;
  'door.js': string;
  /** The Face Liveness page (a selfie sequence posted to a session; no API key: the session id is the capability). */
  'liveness.html': string;
  'liveness.js': string;
}

const ASSETS = [
  'index.html',
  'console.js',
  'console.css',
  'door.html',
  'door.js',
  'liveness.html',
  'liveness.js',
] as const;

export async function buildConsole(): Promise<ConsoleAssets> {
  const r = await build({
    entryPoints: {
      console: WEB_DIR + 'app/main.ts',
      door: WEB_DIR + 'door/door.main.ts',
      liveness: WEB_DIR + 'liveness/liveness.main.ts',
    },
    outdir: DIST_DIR,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    write: false,
    logLevel: 'silent',
  });
  const js = (name: string) => r.outputFiles.find((f) => f.path.endsWith(`/${name}.js`))!.text;
  return {
    'index.html': await readFile(WEB_DIR + 'static/index.html', 'utf8'),
    'console.js': js('console'),
    'console.css': await readFile(WEB_DIR + 'static/console.css', 'utf8'),
    'door.html': await readFile(WEB_DIR + 'static/door.html', 'utf8'),
    'door.js': js('door'),
    'liveness.html': await readFile(WEB_DIR + 'static/liveness.html', 'utf8'),
    'liveness.js': js('liveness'),
  };
}

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? await newestSource(p) : (await stat(p)).mtimeMs);
  }
  return newest;
}

/** The built assets from dist, or undefined when the console was not built (or its sources changed since). */
export async function readBuiltConsole(): Promise<ConsoleAssets | undefined> {
  try {
    const built = (await stat(DIST_DIR + 'console.js')).mtimeMs;
    const sources = Math.max(
      ...(await Promise.all(['app', 'static', 'door', 'liveness'].map((d) => newestSource(WEB_DIR + d)))),
    );
    if (sources > built) return undefined;
    const texts = await Promise.all(ASSETS.map((f) => readFile(DIST_DIR + f, 'utf8')));
    return Object.fromEntries(ASSETS.map((f, i) => [f, texts[i]!])) as unknown as ConsoleAssets;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
