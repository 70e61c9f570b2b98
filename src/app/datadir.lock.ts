// One writer per data directory. The vector index lives in the serving process's memory, so a second process that
// wrote faces into the same SQLite file (a bulk `facegate index` next to `facegate serve`) would leave the server's
// index stale until it restarts. The holder keeps an exclusive SQLite transaction open on <dataDir>/facegate.lock:
// SQLite takes it with an fcntl lock, which the kernel drops when the process dies however it dies, so a killed
// server never blocks the next start and a reused pid proves nothing. facegate.pid only names the holder in the
// refusal message.
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FacegateError } from '../errors.ts';

const lockPath = (dataDir: string): string => join(dataDir, 'facegate.lock');
const pidPath = (dataDir: string): string => join(dataDir, 'facegate.pid');

/** The exclusive lock, or undefined when another process (or another handle in this one) holds it. */
function tryLock(dataDir: string): Database.Database | undefined {
  mkdirSync(dataDir, { recursive: true });
  // timeout 0: a held lock answers SQLITE_BUSY at once instead of waiting.
  const db = new Database(lockPath(dataDir), { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw e;
  }
}

function namedPid(dataDir: string): string {
  try {
    const pid = Number(readFileSync(pidPath(dataDir), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? String(pid) : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The pid named by a live holder of the directory, if one holds it ('unknown' if it named none). */
export function dataDirHolder(dataDir: string): string | undefined {
  const db = tryLock(dataDir);
  if (!db) return namedPid(dataDir);
  db.exec('ROLLBACK');
  db.close();
  return undefined;
}

/** Data directories (as given) this process holds. */
const held = new Set<string>();

/** True when this process holds `dataDir`'s lock: then no other live worker can use its databases. */
export function holdsDataDir(dataDir: string): boolean {
  return held.has(dataDir);
}

/** Takes the directory for this process; throws CONFLICT when a live server holds it. Returns the release function. */
export function holdDataDir(dataDir: string): () => void {
  const db = tryLock(dataDir);
  if (!db) {
    const pid = namedPid(dataDir);
    throw new FacegateError('CONFLICT', `the data directory ${dataDir} is in use by a Facegate server (pid ${pid})`);
  }
  writeFileSync(pidPath(dataDir), `${process.pid}\n`);
  held.add(dataDir);
  return () => {
    if (!held.has(dataDir)) return;
    held.delete(dataDir);
    rmSync(pidPath(dataDir), { force: true });
    db.exec('ROLLBACK');
    db.close();
  };
}
