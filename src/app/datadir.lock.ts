// One writer per data directory. The vector index lives in the serving process's memory, so a second process that
// wrote faces into the same SQLite file (a bulk `facegate index` next to `facegate serve`) would leave the server's
// index stale until it restarts. `serve` holds <dataDir>/facegate.pid; offline tools refuse to run while it is alive.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FacegateError } from '../errors.ts';

const lockPath = (dataDir: string): string => join(dataDir, 'facegate.pid');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live process holding the directory, if any (a stale file from a killed server does not count). */
export function dataDirHolder(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(lockPath(dataDir), 'utf8').trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
}

/** Takes the directory for this process; throws CONFLICT when a live server holds it. Returns the release function. */
export function holdDataDir(dataDir: string): () => void {
  const holder = dataDirHolder(dataDir);
  if (holder)
    throw new FacegateError('CONFLICT', `the data directory ${dataDir} is in use by a Facegate server (pid ${holder})`);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(lockPath(dataDir), `${process.pid}\n`);
  return () => {
    if (dataDirHolder(dataDir) === undefined) rmSync(lockPath(dataDir), { force: true });
  };
}
