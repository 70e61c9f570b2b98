// Facegate server processes for the multi-process tests: `node bin/facegate.js serve --role …` as children, each with
// its own data directory, on one Postgres schema and one S3 server. Every wait is bounded; `stopAll` kills what is
// still running (SIGKILL after a grace period), so a failing test leaves no process behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const BIN = new URL('../../bin/facegate.js', import.meta.url).pathname;

export interface Served {
  name: string;
  url: string;
  child: ChildProcess;
  dataDir: string;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `ms` naming `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export class ProcessSet {
  private readonly children: Served[] = [];
  private readonly dirs: string[] = [];

  constructor(private readonly env: Record<string, string>) {
    // Last resort when the test process ends without after() (a runner's kill, a crash): no server outlives it.
    process.once('exit', () => {
      for (const s of this.children)
        if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    });
  }

  /** Runs a CLI command to completion (e.g. `keys create`) on the shared configuration. */
  run(args: string[], options: { dataDir?: string } = {}): string {
    const dir = options.dataDir ?? this.dir('cli');
    const r = spawnSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...this.env, FACEGATE_DATA_DIR: dir, FACEGATE_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (r.status !== 0) throw new Error(`facegate ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  }

  /**
   * Runs a CLI command to completion without blocking this process (a server the command talks to, such as s3rver,
   * may run here), returning its exit status and output whatever the status. Killed after `timeoutMs`.
   */
  async exec(
    args: string[],
    options: { dataDir?: string; env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const dir = options.dataDir ?? this.dir('cli');
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...this.env, ...options.env, FACEGATE_DATA_DIR: dir, FACEGATE_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    const [status] = (await once(child, 'close')) as [number | null];
    clearTimeout(guard);
    return { status, stdout, stderr };
  }

  /** A data directory removed by stopAll, for processes that must share one. */
  dataDir(name: string): string {
    return this.dir(name);
  }

  /**
   * Starts `serve --role <role>` and resolves once it answers /readyz with 200 (models loaded). Each process gets a
   * data directory of its own unless `dataDir` names one.
   */
  async serve(
    name: string,
    role: 'api' | 'worker' | 'all',
    extra: Record<string, string> = {},
    dataDir = this.dir(name),
  ): Promise<Served> {
    const args = ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--role', role];
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, FACEGATE_LOG_LEVEL: 'warn', ...this.env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const served: Served = { name, url: '', child, dataDir, output: () => out };
    this.children.push(served);
    // Start-up imports the whole server: on a loaded shared machine that alone can take a minute.
    served.url = await waitFor(
      `${name} to print its address`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${out}`);
        return /(http:\/\/127\.0\.0\.1:\d+)\/healthz/.exec(out)?.[1];
      },
      120_000,
    );
    await waitFor(
      `${name} to be ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${out}`);
        return (await fetch(`${served.url}/readyz`)).status === 200 ? true : undefined;
      },
      120_000,
    );
    return served;
  }

  /** SIGTERM and wait for the exit (a clean shutdown: locks released, data flushed). */
  async stop(s: Served): Promise<void> {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return;
    const exited = once(s.child, 'exit');
    s.child.kill('SIGTERM');
    const guard = setTimeout(() => s.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(guard);
  }

  /** SIGKILL, as a crash: no shutdown code runs. */
  async kill9(s: Served): Promise<void> {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return;
    const exited = once(s.child, 'exit');
    s.child.kill('SIGKILL');
    await exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.children.map(async (s) => {
        if (s.child.exitCode !== null || s.child.signalCode !== null) return;
        const exited = once(s.child, 'exit');
        s.child.kill('SIGCONT'); // a process a failed test left frozen (SIGSTOP) could not handle SIGTERM
        s.child.kill('SIGTERM');
        const guard = setTimeout(() => s.child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(guard);
      }),
    );
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }

  private dir(name: string): string {
    const d = mkdtempSync(join(tmpdir(), `fg-mp-${name}-`));
    this.dirs.push(d);
    return d;
  }
}
