// The one database of an embedded deployment: <dataDir>/facegate.db holds every table (collections, faces, users,
// API keys, people, proctor candidates, jobs, pipeline runs and records, the event outbox, subscriptions, deliveries,
// the SMS outbox), so that a change that spans parts (a person, their faces and an event) is one transaction.
//
// How a store gets the handle: the container opens the database once (openDeploymentDatabase) and passes `db` to
// every SQLite store — a function or class taking a better-sqlite3 `Database` — which creates its tables with
// `migrate(db, '<part>', SCRIPTS)` (src/apps/sqlite.migrate.ts). No store opens a file of its own. A store that
// writes together with another part stages its writes and lets the UnitOfWork commit them (src/db/unit-of-work.ts).
//
// Invariants: WAL journal, `synchronous` FULL by default (a commit survives power loss), `secure_delete` ON (deleted
// rows are zeroed in the file), foreign keys on, files owner-only (0600 in a 0700 directory). `erase()` after a
// deletion of personal data checkpoints the WAL with TRUNCATE so that no old page image of the rows stays on disk.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { importLegacyFiles, type LegacyImport } from './sqlite.legacy.ts';

export type SqliteDatabase = Database;

export interface SqliteOpenOptions {
  /** FULL (default): a commit survives power loss; NORMAL: survives a process crash, no fsync per commit. */
  synchronous?: 'FULL' | 'NORMAL';
}

const OWNER_FILE = 0o600;
const OWNER_DIR = 0o700;

/** Creates `dir` owner-only when missing (an existing directory keeps the operator's mode). */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: OWNER_DIR });
}

/** Opens one SQLite file (or ':memory:') with the deployment's pragmas. The file and its WAL are owner-only. */
export function openSqliteFile(path: string, options: SqliteOpenOptions = {}): Database {
  if (path !== ':memory:') {
    ensurePrivateDir(dirname(path));
    // SQLite creates the -wal and -shm files with the database file's mode, so creating it 0600 covers all three.
    if (!existsSync(path)) closeSync(openSync(path, 'a', OWNER_FILE));
    for (const f of [path, `${path}-wal`, `${path}-shm`]) {
      if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, OWNER_FILE);
    }
  }
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  // Deleted content is overwritten with zeros in the file, so a deleted person is not recoverable from it.
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  // Several processes (server, pipeline worker, CLI) share the file: wait for the write lock instead of failing.
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * Moves every page image out of the WAL into the file and truncates the WAL to zero bytes. With secure_delete the
 * file then holds zeros where deleted rows were. A checkpoint another process's reader blocks is retried at close.
 */
export function eraseWal(db: Database): boolean {
  const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  return r?.busy === 0;
}

export interface DeploymentDatabase {
  /** The shared handle every SQLite store takes. */
  readonly db: Database;
  /**
   * A second handle on the same file with synchronous=NORMAL, for the per-request API key counters only (no fsync
   * per request; losing the last increments on power loss is acceptable). Everything else uses `db`.
   */
  readonly counters: Database;
  readonly path: string;
  /** What was imported from older per-part files at open (empty when there were none). */
  readonly imported: readonly LegacyImport[];
  /** Call after a deletion of personal data: checkpoints the WAL with TRUNCATE. */
  erase(): void;
  /** Checkpoints (TRUNCATE) and closes both handles; idempotent. */
  close(): void;
}

export const DATABASE_FILE = 'facegate.db';

/**
 * Opens <dataDir>/facegate.db, importing once the rows of the files older versions kept per part (apps.sqlite,
 * jobs.db; renamed *.migrated afterwards). Stores create their own tables on this handle as they are built.
 */
export function openDeploymentDatabase(dataDir: string, options: SqliteOpenOptions = {}): DeploymentDatabase {
  ensurePrivateDir(dataDir);
  const path = join(dataDir, DATABASE_FILE);
  const db = openSqliteFile(path, options);
  let counters: Database | undefined;
  try {
    const imported = importLegacyFiles(db, dataDir);
    counters = openSqliteFile(path, { synchronous: 'NORMAL' });
    const c = counters;
    let closed = false;
    return {
      db,
      counters: c,
      path,
      imported,
      erase: () => void eraseWal(db),
      close: () => {
        if (closed) return;
        closed = true;
        c.close();
        eraseWal(db);
        db.close();
      },
    };
  } catch (e) {
    counters?.close();
    db.close();
    throw e;
  }
}
