// The LivenessStore contract's drivers and records, shared by its test files (liveness.store.test.ts,
// liveness.subject.test.ts): SQLite (a file opened twice, as two processes do) and Postgres (a fresh schema, two
// pools).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openSqliteFile } from '../../src/db/sqlite.database.ts';
import type { FrameScore } from '../../src/liveness/liveness.challenge.ts';
import { openPgLivenessStore } from '../../src/liveness/liveness.pg.driver.ts';
import { SqliteLivenessStore } from '../../src/liveness/liveness.sqlite.driver.ts';
import type { LivenessStore, NewSession, Verdict } from '../../src/liveness/liveness.store.port.ts';
import { freshPgSchema } from '../helpers/services.ts';
export interface Fixture {
  /** Two stores on one database, as two processes hold them. */
  a: LivenessStore;
  b: LivenessStore;
  close(): Promise<void>;
}

export const DRIVERS: Record<string, () => Promise<Fixture>> = {
  SQLite: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'facegate-liveness-store-'));
    const [da, db] = [openSqliteFile(join(dir, 'facegate.db')), openSqliteFile(join(dir, 'facegate.db'))];
    return {
      a: new SqliteLivenessStore(da),
      b: new SqliteLivenessStore(db),
      close: async () => {
        da.close();
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  Postgres: async () => {
    const fresh = await freshPgSchema('liveness');
    const other = new pg.Pool({ connectionString: fresh.url, max: 5 });
    return {
      a: await openPgLivenessStore(fresh.pool, fresh.schema),
      b: await openPgLivenessStore(other, fresh.schema),
      close: async () => {
        await other.end();
        await fresh.close();
      },
    };
  },
};

export const T0 = 1_780_000_000_000;
export const session = (over: Partial<NewSession> = {}): NewSession => ({
  id: randomUUID(),
  creator: 'sigv4:AKID1',
  clientToken: null,
  createdAt: T0,
  auditImagesLimit: 1,
  output: null,
  subjectId: null,
  ...over,
});
export const oneFace = (yaw: number, d = [0.6, 0.8]): FrameScore => ({
  faces: 1,
  yaw,
  liveness: 77.5,
  box: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 },
  descriptor: Float32Array.from(d),
});
export const open = { openSince: T0 - 1000, maxFrames: 5 };
export const verdict = (over: Partial<Verdict> = {}): Verdict => ({
  status: 'FAILED',
  confidence: 0,
  reason: 'no frontal frame',
  reference: null,
  audits: [],
  at: T0 + 5000,
  failed: true,
  ...over,
});
