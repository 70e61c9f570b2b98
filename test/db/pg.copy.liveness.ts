// Liveness rows for the `facegate migrate` test (pg.copy.test.ts): a judged session linked to a person with an
// inline reference image and the failure it counted, and an open one with a kept frame (descriptor bytes) and its
// lockout keys; after the copy the Postgres store reads them back as the SQLite store does.
import assert from 'node:assert/strict';
import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import { openPgLivenessStore } from '../../src/liveness/liveness.pg.driver.ts';
import { SqliteLivenessStore } from '../../src/liveness/liveness.sqlite.driver.ts';
import { oneFace, open, session, T0, verdict } from '../contract/liveness.store.fixture.ts';

const JUDGED = '00000000-0000-4000-8000-00000000000a';
const OPEN = '00000000-0000-4000-8000-00000000000b';

/** Rows in every liveness table: 2 sessions, 1 frame, 2 keys, 1 failure. */
export async function fillLiveness(db: Database): Promise<void> {
  const store = new SqliteLivenessStore(db);
  const box = { left: 0.1, top: 0.2, width: 0.3, height: 0.4 };
  await store.create(session({ id: JUDGED, subjectId: 'p1', output: { bucket: 'out', keyPrefix: 'r/' } }));
  await store.addFrame(JUDGED, { score: oneFace(0), objectKey: 'sessions/a/f1' }, ['net:a'], open);
  await store.claim(JUDGED, open.openSince);
  await store.finish(JUDGED, verdict({ reference: { box, frameKey: 'sessions/a/f1' } }));
  await store.create(session({ id: OPEN, createdAt: T0 + 1 }));
  await store.addFrame(OPEN, { score: oneFace(-20), objectKey: 'sessions/b/f1' }, ['net:b', 'device:d'], open);
}

export async function assertLivenessCopied(db: Database, pool: Pool, schema: string): Promise<void> {
  const [pg, sqlite] = [await openPgLivenessStore(pool, schema), new SqliteLivenessStore(db)];
  assert.deepEqual(await pg.forSubject('p1'), await sqlite.forSubject('p1'));
  assert.equal((await pg.get(JUDGED))!.subjectId, 'p1');
  assert.deepEqual(await pg.get(OPEN), await sqlite.get(OPEN));
  assert.deepEqual(await pg.frames(OPEN), await sqlite.frames(OPEN));
  assert.equal(await pg.failures(['net:a'], T0), 1);
}
