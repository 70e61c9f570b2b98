// Runs every test file under test/ (or the paths given) with node's test runner and tsx's loader.
// Node 20's --test does not expand globs or find .ts files itself, so the list is built here.
// The services the files need (Postgres, MQTT, Chromium, ffmpeg) are found or started once, before the first file,
// and torn down after the last, also on failure or Ctrl-C (scripts/test.services.mjs). Each file runs in its own
// process group with a deadline, so a file that hangs is killed and reported instead of holding the run.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { provideServices } from './test.services.mjs';

// Per test (node's --test-timeout) and per file (this runner's kill), in seconds.
const TEST_TIMEOUT_S = Number(process.env.FACEGATE_TEST_TIMEOUT_S ?? 300);
const FILE_TIMEOUT_S = Number(process.env.FACEGATE_TEST_FILE_TIMEOUT_S ?? 600);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : walk(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Which services the files reach, by what their own and their relative imports' source asks for. */
function servicesNeeded(files) {
  const wants = {
    postgres: /postgresUrl\(|freshPgSchema\(/,
    mqtt: /mqttUrl\(|MQTT_URL/,
    chromium: /chromiumPath\(/,
    ffmpeg: /ffmpegPath\(/,
  };
  const needs = new Set();
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    let src;
    try {
      src = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    for (const [name, re] of Object.entries(wants)) if (re.test(src)) needs.add(name);
    for (const m of src.matchAll(/from '(\.{1,2}\/[^']+\.ts)'/g)) {
      if (!m[1].endsWith('helpers/services.ts')) visit(resolve(dirname(file), m[1]));
    }
  };
  files.forEach((f) => visit(resolve(f)));
  return needs;
}

let current; // the running file's process group
let services = { stop: async () => undefined };

async function shutdown(code) {
  if (current) killGroup(current);
  await services.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function runFile(file, env) {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-concurrency=1',
        `--test-timeout=${TEST_TIMEOUT_S * 1000}`,
        '--test-reporter=spec',
        file,
      ],
      { stdio: 'inherit', env, detached: true },
    );
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n✖ ${file} still running after ${FILE_TIMEOUT_S} s: killed`);
      killGroup(child);
    }, FILE_TIMEOUT_S * 1000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      // The file's own subprocesses (servers, browsers) must not outlive it.
      killGroup(child);
      done({ file, ok: code === 0 && !timedOut, why: timedOut ? 'timed out' : (signal ?? `exit ${code}`) });
    });
  });
}

const args = process.argv.slice(2);
const files = (args.length ? args : ['test']).flatMap((p) => (statSync(p).isDirectory() ? walk(p) : [p])).sort();
try {
  services = await provideServices(servicesNeeded(files));
} catch (e) {
  console.error(`test services could not be provided: ${e.message}`);
  process.exit(1);
}
const env = { ...process.env, ...services.env, FACEGATE_LOG_LEVEL: process.env.FACEGATE_LOG_LEVEL ?? 'silent' };
const results = [];
try {
  for (const file of files) results.push(await runFile(file, env));
} finally {
  await services.stop();
}
const failed = results.filter((r) => !r.ok);
console.log(`\n${files.length} test files, ${files.length - failed.length} passed, ${failed.length} failed`);
for (const f of failed) console.log(`  ✖ ${f.file} (${f.why})`);
process.exit(failed.length ? 1 : 0);
