// The server side of bench/load.bench.ts: a real `facegate serve` in its own process (so the load generator does not
// share its event loop), embedded default on a temporary data directory, with the real models, one SigV4 key per
// simulated client, and its resident set and CPU time read from /proc.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../bin/facegate.js', import.meta.url).pathname;

export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface BenchServer {
  url: string;
  pid: number;
  keys: SigningKey[];
  /** An admin REST API key (created with `facegate keys create` before the start). */
  adminKey: string;
  /** Resident set now and its peak (VmHWM), bytes. */
  memory(): { rss: number; peak: number };
  /** User + system CPU seconds the server process has used so far. */
  cpuSeconds(): number;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function procStatus(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function cpuOf(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime in clock ticks (100/s).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`facegate serve exited (${child.exitCode}):\n${log()}`);
    const ok = await fetch(`${url}/readyz`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`facegate serve not ready after 120 s:\n${log()}`);
}

/** Starts `facegate serve` with `clients` SigV4 keys; FACEGATE_* variables of this process pass through. */
export async function startServer(clients: number, env: NodeJS.ProcessEnv = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-load-'));
  const keys: SigningKey[] = Array.from({ length: clients }, (_, i) => ({
    accessKeyId: `AKFGLOADBENCH${String(i).padStart(7, '0')}`,
    secretAccessKey: `load-bench-secret-${String(i).padStart(4, '0')}-0000000000000000`,
  }));
  const keysFile = join(dataDir, 'bench-keys.json');
  writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
  const port = await freePort();
  const childEnv = {
    ...process.env,
    FACEGATE_DATA_DIR: dataDir,
    FACEGATE_KEYS_FILE: keysFile,
    FACEGATE_LOG_LEVEL: 'warn',
    FACEGATE_S3_PORT: '0',
    // The REST per-key limits would refuse a client long before the engine is busy: lifted for the bench.
    FACEGATE_REST_RATE_PER_SECOND: '100000',
    FACEGATE_REST_BURST: '100000',
    FACEGATE_REST_DAILY_QUOTA: '0',
    ...env,
  };
  const created = spawnSync(process.execPath, [BIN, 'keys', 'create', '--name', 'bench', '--admin', '--json'], {
    env: childEnv,
    encoding: 'utf8',
  });
  if (created.status !== 0) throw new Error(`facegate keys create failed: ${created.stderr}`);
  const adminKey = (JSON.parse(created.stdout) as { key: string }).key;
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
  child.stderr.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, () => output);
  const pid = child.pid!;
  return {
    url,
    pid,
    keys,
    adminKey,
    memory: () => ({ rss: procStatus(pid, 'VmRSS'), peak: procStatus(pid, 'VmHWM') }),
    cpuSeconds: () => cpuOf(pid),
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
