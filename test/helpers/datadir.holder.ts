// A separate process that holds a data directory's lock (as `facegate serve` does) until it is killed.
import { spawn, type ChildProcess } from 'node:child_process';

const LOCK_MODULE = new URL('../../src/app/datadir.lock.ts', import.meta.url).href;

/** Resolves once the child says it holds `dir`; rejects if it exits first. */
export async function holdInChild(dir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(LOCK_MODULE)}); m.holdDataDir(${JSON.stringify(dir)}); ` +
        `console.log('held'); setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before taking the lock`)));
  });
  return child;
}
