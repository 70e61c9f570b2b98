// Camera decisions write one audit entry each (the camera as the actor, snapshot hashes, the matched face); a
// failing audit store is logged and does not stop the camera.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { AuditService } from '../../src/governance/audit.service.ts';
import { sqliteAuditStore } from '../../src/governance/audit.sqlite.ts';
import { auditVisitSink } from '../../src/governance/audit.visits.ts';
import { createLogger } from '../../src/logger.ts';
import type { Visit } from '../../src/streams/visit.types.ts';

const jpeg = new Uint8Array([0xff, 0xd8, 1, 2, 3]);
const visit = (verdict: Visit['verdict']): Visit => ({
  id: 'v1',
  cameraId: 'front',
  doorId: 'front-door',
  collectionId: 'door',
  trackId: 't1',
  verdict,
  firstSeenAt: new Date(),
  decidedAt: new Date(),
  framesSeen: 3,
  snapshots: [{ jpeg, box: { left: 0, top: 0, width: 1, height: 1 }, quality: 1 }],
  descriptor: new Float32Array(4),
});

test('one entry per camera decision', async () => {
  const db = new Database(':memory:');
  const audit = new AuditService(sqliteAuditStore(db));
  const sink = auditVisitSink(audit, createLogger('silent'));
  await sink.visit(visit({ kind: 'known', faceId: 'f1', userId: null, externalImageId: 'dani', similarity: 93.5 }));
  await sink.visit(visit({ kind: 'unknown', bestSimilarity: 41 }));
  const [known, unknown] = await audit.list({ limit: 10 });
  assert.deepEqual(
    [known!.api, known!.operation, known!.actorKind, known!.actorId, known!.decision, known!.similarity],
    ['system', 'cameraVisit', 'camera', 'front', 'known', 93.5],
  );
  assert.deepEqual(known!.personal, {
    images: [createHash('sha256').update(jpeg).digest('hex')],
    faceIds: ['f1'],
    personIds: [],
    externalImageIds: ['dani'],
    userIds: [],
  });
  assert.deepEqual([unknown!.decision, unknown!.similarity, unknown!.personal?.faceIds], ['unknown', 41, []]);
  db.close();
  // The store is gone: the sink logs and returns, the camera goes on.
  await sink.visit(visit({ kind: 'unknown', bestSimilarity: null }));
});
