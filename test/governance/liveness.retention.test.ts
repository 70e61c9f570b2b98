// The retention job and Face Liveness (SQLite store, local objects, injected clock): a run deletes the sessions past
// their hour and reports them as `liveness.sessions`; the sessions linked to a person the run erases go with them,
// reported as `people.liveness`, with their frame objects; a recent unlinked session stays (expired, within its hour).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteFile } from '../../src/db/sqlite.database.ts';
import { AuditService } from '../../src/governance/audit.service.ts';
import { sqliteAuditStore } from '../../src/governance/audit.sqlite.ts';
import { retentionSchema } from '../../src/governance/retention.schema.ts';
import { RetentionService } from '../../src/governance/retention.service.ts';
import { LIVENESS_BUCKET, LivenessService } from '../../src/liveness/liveness.service.ts';
import { SqliteLivenessStore } from '../../src/liveness/liveness.sqlite.driver.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { face } from '../api/rekognition/stub.engine.ts';

const H = 3_600_000;
const T = Date.parse('2026-06-01T12:00:00Z');

test('a retention run reports the liveness sessions it deleted and those erased with a person', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facegate-liveness-retention-'));
  const db = openSqliteFile(join(dir, 'facegate.db'));
  try {
    let now = T - 5 * 60_000;
    const objects = new LocalObjectStore(join(dir, 'objects'));
    const svc = new LivenessService({
      engine: {
        analyze: async () => ({
          image: { width: 640, height: 480, format: 'jpeg', orientation: 1 },
          faces: [{ ...face(0.3, [1, 0, 0, 0]), liveness: 90 }],
        }),
        similarity: () => 100,
      },
      objects,
      store: new SqliteLivenessStore(db),
      now: () => now,
      uuid: randomUUID,
      passConfidence: 50,
    });
    const client = { address: '10.0.0.1' };
    const linked = await svc.create({ subjectId: 'p-old' });
    await svc.addFrame(linked, client, new Uint8Array([0xff, 4, 5, 6]));
    const recent = await svc.create({});
    // Created after the last sweep, with an earlier clock: only the retention run's sweep sees it.
    now = T - 2 * H;
    const old = await svc.create({});
    await svc.addFrame(old, client, new Uint8Array([0xff, 1, 2, 3]));
    now = T;

    const audit = new AuditService(sqliteAuditStore(db), () => now);
    let cleanups = 0;
    const retention = new RetentionService({
      config: retentionSchema.parse({ collections: { people: { people: '90d' } } }),
      auditRetentionDays: 0,
      audit,
      people: {
        collectionId: 'people',
        async *all() {
          yield { personId: 'p-old', createdAt: new Date(T - 100 * 24 * H) };
        },
        // As the PrivacyService reports an erasure: items removed per holder.
        erase: async (id) => ({ removed: { liveness: await svc.subjects.erase(id) } }),
      },
      liveness: svc,
      afterPurge: async () => void cleanups++,
      now: () => now,
    });
    const report = await retention.run();
    assert.deepEqual(report.removed, { people: 1, 'people.liveness': 2, 'liveness.sessions': 1 });
    assert.equal(cleanups, 1);
    for (const id of [old, linked]) await assert.rejects(svc.results(id), { code: 'LIVENESS_SESSION_NOT_FOUND' });
    assert.equal((await svc.results(recent)).status, 'EXPIRED', 'expired, but kept for its hour');
    const left = await objects.list(LIVENESS_BUCKET, { prefix: 'sessions/' });
    assert.deepEqual(left.objects, [], 'the frames went with their sessions');
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
