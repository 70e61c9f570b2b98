// kill -9 in the middle of a run: after IndexFaces committed but before the step was recorded. A new worker takes
// the step over when its lease expires and the run completes with exactly one face indexed and announced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CHILD = join(import.meta.dirname, 'crash.child.ts');

function spawnWorker(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Reads a child's stdout lines; `next(prefix)` resolves with the first unread line starting with it. */
function lines(p: ChildProcess): { next: (prefix: string) => Promise<string> } {
  const seen: string[] = [];
  const waiters: { prefix: string; resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  let exited: string | undefined;
  const pump = (): void => {
    for (const w of [...waiters]) {
      const i = seen.findIndex((l) => l.startsWith(w.prefix));
      if (i >= 0) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(seen.splice(i, 1)[0]!.slice(w.prefix.length).trim());
      } else if (exited !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.reject(new Error(`worker exited (${exited}) before printing ${w.prefix}`));
      }
    }
  };
  createInterface({ input: p.stdout! }).on('line', (l) => {
    seen.push(l);
    pump();
  });
  p.once('exit', (code, signal) => {
    exited = String(code ?? signal);
    // Let the last lines be read before failing waiters.
    setImmediate(pump);
  });
  return {
    next: (prefix) =>
      new Promise((resolve, reject) => {
        waiters.push({ prefix, resolve, reject });
        pump();
      }),
  };
}

// The timeout only stops a broken build from hanging CI; nothing here measures time.
test(
  'a worker SIGKILLed after indexing a face: the restarted worker completes the run with one face',
  { timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-crash-'));
    const children: ChildProcess[] = [];
    const child = (args: string[]): ChildProcess => {
      const c = spawnWorker(args);
      children.push(c);
      return c;
    };
    try {
      const first = child(['start', dir]);
      const out1 = lines(first);
      const runId = await out1.next('RUN ');
      const faceId = await out1.next('INDEXED ');
      const exited = new Promise((r) => first.once('exit', r));
      first.kill('SIGKILL');
      await exited;

      const second = child(['resume', dir, runId]);
      const out = JSON.parse(await lines(second).next('DONE ')) as {
        run: { state: string; steps: { name: string; attempts: number; output: Record<string, unknown> | null }[] };
        faces: { faceId: string; externalImageId?: string }[];
        events: string[];
      };
      await new Promise((r) => second.once('exit', r));
      assert.equal(out.run.state, 'succeeded');
      assert.deepEqual(
        out.faces.map((f) => [f.faceId, f.externalImageId]),
        [[faceId, 'grace']],
        'exactly the face the killed worker indexed',
      );
      const index = out.run.steps.find((s) => s.name === 'indexFace');
      assert.equal(index?.attempts, 2);
      assert.equal(index?.output?.reused, true);
      assert.equal(out.events.filter((e) => e === 'face.indexed').length, 1);
      assert.equal(out.events.filter((e) => e === 'pipeline.succeeded').length, 1);
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
