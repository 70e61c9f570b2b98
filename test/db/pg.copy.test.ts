// `facegate migrate --to postgres`: an embedded data directory with rows in every part is copied into an empty
// Postgres schema, verified table by table (counts and checksums), copied again without duplicates (resumable), read
// back by the Postgres stores, and a difference made on one side is reported by --check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteApiKeyStore } from '../../src/api/rest/keys/apikey.sqlite.ts';
import { SqlitePipelineStore } from '../../src/apps/pipeline/pipeline.sqlite.driver.ts';
import { pipelineDefinitionSchema } from '../../src/apps/pipeline/pipeline.types.ts';
import { sqliteCandidateStore } from '../../src/apps/proctor/candidates.sqlite.ts';
import { pgPeopleStore } from '../../src/apps/verify/people.pg.ts';
import { sqlitePeopleStore } from '../../src/apps/verify/people.sqlite.ts';
import { openPgMetadataStore } from '../../src/collections/pg.metadata.driver.ts';
import { SqliteMetadataStore } from '../../src/collections/sqlite.metadata.driver.ts';
import { comparePg, copyToPg } from '../../src/db/pg.copy.ts';
import { openDeploymentDatabase } from '../../src/db/sqlite.database.ts';
import { SqliteNotifyStore } from '../../src/notify/notify.sqlite.driver.ts';
import { pgDoorStore } from '../../src/apps/door/door.pg.driver.ts';
import { sqliteDoorStore } from '../../src/apps/door/door.sqlite.driver.ts';
import { draftOf } from '../../src/governance/audit.scope.ts';
import { AuditService } from '../../src/governance/audit.service.ts';
import { pgGovernanceStores, sqliteGovernanceStores } from '../../src/governance/governance.factory.ts';
import { pgCameraStore } from '../../src/streams/camera.pg.ts';
import { sqliteCameraStore } from '../../src/streams/camera.sqlite.ts';
import { cameraInputSchema } from '../../src/streams/camera.types.ts';
import { pgProcessorStore } from '../../src/streams/processors/processor.pg.ts';
import { pgBucketQuotaStore } from '../../src/storage/quota/bucket-quota.pg.ts';
import { sqliteBucketQuotaStore } from '../../src/storage/quota/bucket-quota.sqlite.ts';
import { sqliteProcessorStore } from '../../src/streams/processors/processor.sqlite.ts';
import { faceRow } from '../contract/metadata.contract.ts';
import { assertLivenessCopied, fillLiveness } from './pg.copy.liveness.ts';
import { freshPgSchema } from '../helpers/services.ts';

async function fill(dataDir: string): Promise<void> {
  const d = openDeploymentDatabase(dataDir);
  const meta = new SqliteMetadataStore({ db: d.db });
  await meta.createCollection({
    id: 'people',
    faceModelVersion: 'v',
    descriptorSize: 4,
    createdAt: new Date(5),
    tags: { a: 'b' },
  });
  await meta.insertFaces(Array.from({ length: 1200 }, (_, i) => faceRow('people', `f${String(i).padStart(5, '0')}`)));
  await meta.createUser('people', 'u1', new Date(7));
  await meta.setFaceUser('people', ['f00001'], 'u1');
  await meta.putIdempotency('people', 'IndexFaces', 'tok', { paramsHash: 'h', response: '{}', createdAt: new Date(9) });
  await meta.secret('pagination');
  const keys = sqliteApiKeyStore(d.db, d.counters);
  await keys.insert({
    id: 'k1',
    name: 'ops',
    role: 'admin',
    collections: null,
    apps: null,
    secretHash: 'h',
    dailyQuota: 10,
    createdAt: new Date(1),
    revokedAt: null,
    lastUsedAt: null,
  });
  await keys.countRequest('k1', '2026-12-01', new Date(2));
  await sqlitePeopleStore(d.db).insert(
    {
      personId: 'p1',
      collectionId: 'people',
      name: 'Ann',
      email: 'a@x',
      phone: null,
      fields: { z: '1', a: '2' },
      createdAt: new Date(3),
      updatedAt: new Date(4),
    },
    [
      {
        photoId: 'ph1',
        personId: 'p1',
        faceId: 'f00000',
        objectKey: 'p1/ph1',
        thumbnailKey: 'p1/ph1.t',
        box: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 },
        createdAt: new Date(3),
      },
    ],
  );
  await sqliteCandidateStore(d.db).insert({
    externalImageId: 'c1',
    fullName: 'Cy',
    faceId: 'f00002',
    createdAt: new Date(8),
  });
  const runs = new SqlitePipelineStore(d.db);
  await runs.savePipeline(pipelineDefinitionSchema.parse({ name: 'default' }));
  await runs.createRun(
    {
      id: 'r1',
      pipeline: 'default',
      input: { bucket: 'uploads', key: 'a.jpg', source: 'upload' },
      steps: [
        { name: 'detect', stage: 0 },
        { name: 'index', stage: 1 },
      ],
    },
    [{ type: 'pipeline.started', pipeline: 'default', runId: 'r1', data: { n: 1 } }],
  );
  await runs.completeStep('r1', 'detect', { faces: 1 }, 12, []);
  const notify = new SqliteNotifyStore(d.db);
  const sub = await notify.createSubscription({
    id: 's1',
    channel: 'webhook',
    target: 'http://h',
    eventTypes: ['*'],
    collectionId: null,
    pipeline: null,
    secret: null,
  });
  const delivery = await notify.createDelivery(
    { id: 'e1', type: 'face.indexed', occurredAt: new Date().toISOString(), data: {} },
    sub,
  );
  await notify.recordAttempt(
    delivery,
    { attempt: 1, at: new Date(11), ok: false, status: 500, error: 'x', durationMs: 3 },
    'pending',
  );
  await notify.addSms({ to: '+1', body: 'hi', eventId: null });
  await fillApps(d.db);
  await fillLiveness(d.db);
  d.close();
}

const T = new Date(1_780_000_000_000);

/** The door, cameras, stream processors, the audit chain, consent and bucket quotas. */
async function fillApps(db: ReturnType<typeof openDeploymentDatabase>['db']): Promise<void> {
  const door = sqliteDoorStore(db);
  await door.secret(() => 'door-secret');
  await door.putDoor({
    id: 'front',
    name: 'Front',
    collectionId: 'door-front',
    threshold: 80,
    owner: { sms: '+15550000001' },
    unlock: { mqttPayload: 'UNLOCK' },
    secondFactorSeconds: 0,
    createdAt: T,
  });
  const photos = [{ bucket: 'door', key: 'visitors/v1/0.jpg', createdAt: T }];
  const visitor = { id: 'v1', doorId: 'front', name: 'Vi', phone: '+1555', faceIds: ['fv1'], photos, createdAt: T };
  await door.commit(
    {
      visitor,
      passcode: {
        ...{ id: 'pc1', visitorId: 'v1', doorId: 'front', codeHash: 'h', createdAt: T },
        ...{ expiresAt: new Date(T.getTime() + 300_000), usedAt: null, sentAt: T },
      },
      pending: {
        ...{ id: 'q1', doorId: 'front', visitId: 'vis1', state: 'pending', photos, createdAt: T },
        ...{ descriptor: Float32Array.from([0.6, 0.8, 0, 0]), decidedAt: null, visitorId: null },
      },
      events: [{ type: 'door.unknown', collectionId: 'door-front', data: { pendingId: 'q1' } }],
    },
    T,
  );
  await door.commit(
    {
      decide: { pendingId: 'q1', state: 'denied', visitorId: null, at: T },
      denial: {
        ...{ id: 'dn1', doorId: 'front', pendingId: 'q1', descriptor: Float32Array.from([0.6, 0.8, 0, 0]) },
        ...{ deniedAt: T, until: new Date(T.getTime() + 3_600_000) },
      },
    },
    T,
  );
  await door.recordAttempt({ at: T, doorId: 'front', outcome: 'wrong', address: '10.0.0.1', visitorId: null });
  const quotas = sqliteBucketQuotaStore(db);
  await quotas.setUsage('photos', { bytes: 123_456, objects: 7 });
  await quotas.setLimits('photos', { maxBytes: 1_000_000, maxObjects: null });
  const cameras = sqliteCameraStore(db);
  await cameras.create(cameraInputSchema.parse({ id: 'gate', source: { kind: 'push' }, collectionId: 'door' }), T);
  await cameras.addVisit({
    ...{ id: 'cv1', cameraId: 'gate', doorId: 'front', collectionId: 'door', trackId: 't1', kind: 'known' },
    ...{ faceId: 'fv1', userId: null, externalImageId: 'Vi', similarity: 91.5, firstSeenAt: T, decidedAt: T },
    ...{
      leftAt: null,
      framesSeen: 4,
      snapshot: { bucket: 'camera-visits', key: 'gate/x.jpg', box: { left: 0.1, top: 0.1, width: 0.2, height: 0.2 } },
    },
  });
  await sqliteProcessorStore(db).create({
    ...{ name: 'watch', arn: 'arn:aws:rekognition:local:0:streamprocessor/watch', status: 'STOPPED' },
    ...{ statusMessage: null, createdAt: T, updatedAt: T, inputArn: 'arn:aws:kinesisvideo:local:0:stream/gate' },
    ...{ cameraId: 'gate', outputArn: 'arn:aws:kinesis:local:0:stream/out', target: 'out', roleArn: 'r' },
    ...{ collectionId: 'door', faceMatchThreshold: 80, regionsOfInterest: null, dataSharingOptIn: null },
    ...{ notificationTopicArn: null, kmsKeyId: null, tags: { a: 'b' }, sessionId: null },
  });
  const gov = sqliteGovernanceStores(db);
  const audit = new AuditService(gov.audit, () => T.getTime());
  const caller = { api: 'rest' as const, operation: 'registerPerson', actorKind: 'key', actorId: 'k1', address: null };
  for (const id of ['p1', 'p2', 'p3']) await audit.record(draftOf(caller, { personIds: [id] }, 'ok', []));
  await gov.consent.put({
    ...{ collectionId: 'people', subjectId: 'p1', purpose: 'access', method: 'written', givenBy: 'p1' },
    ...{ givenAt: T, textVersion: 'v1', recordedBy: 'k1', recordedAt: T },
  });
}

test(
  'an embedded database is copied into Postgres, verified, resumable, and differences are reported',
  { timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-copy-'));
    const pg = await freshPgSchema('copy');
    try {
      await fill(dir);
      const d = openDeploymentDatabase(dir);
      // --check before any copy: the tables are not there yet, so every non-empty table differs.
      const before = await comparePg(d.db, pg.pool, pg.schema);
      assert.ok(before.every((r) => r.pgRows === 0 && r.same === (r.sqliteRows === 0)));
      const first = await copyToPg(d.db, pg.pool, pg.schema);
      assert.ok(
        first.every((r) => r.same),
        JSON.stringify(first.filter((r) => !r.same)),
      );
      const rows = Object.fromEntries(first.map((r) => [r.table, r.pgRows]));
      assert.equal(rows.faces, 1200);
      assert.equal(rows.delivery_attempts, 1);
      assert.equal(rows.events, 2);
      const one = ['doors', 'door_visitors', 'door_passcodes', 'door_pending', 'door_denials', 'door_attempts'];
      for (const t of [...one, 'cameras', 'bucket_usage', 'bucket_limits']) assert.equal(rows[t], 1, t);
      assert.deepEqual([rows.camera_visits, rows.stream_processors, rows.audit_log, rows.consents], [1, 1, 3, 1]);
      const liveness = ['liveness_sessions', 'liveness_frames', 'liveness_session_keys', 'liveness_failures'];
      assert.deepEqual(
        liveness.map((t) => rows[t]),
        [2, 1, 3, 1],
      );

      // Run again (as after an interruption): nothing is duplicated, everything still matches.
      const again = await copyToPg(d.db, pg.pool, pg.schema);
      assert.deepEqual(again, first);

      // The Postgres stores read what was copied as the SQLite stores wrote it.
      const pgMeta = await openPgMetadataStore(pg.pool, pg.schema);
      const sqMeta = new SqliteMetadataStore({ db: d.db });
      assert.deepEqual(await pgMeta.getFaces('people', ['f00001']), await sqMeta.getFaces('people', ['f00001']));
      assert.deepEqual(
        await (await pgPeopleStore(pg.pool, pg.schema)).get('p1'),
        await sqlitePeopleStore(d.db).get('p1'),
      );

      // The door, cameras, processors, the audit chain (still verifying) and consent read back on Postgres.
      const [pgDoor, sqDoor] = [await pgDoorStore(pg.pool, pg.schema), sqliteDoorStore(d.db)];
      assert.deepEqual(await pgDoor.getVisitor('v1'), await sqDoor.getVisitor('v1'));
      assert.deepEqual(await pgDoor.listAttempts('front'), await sqDoor.listAttempts('front'));
      assert.deepEqual(await pgDoor.getPending('q1'), await sqDoor.getPending('q1'));
      assert.deepEqual(await pgDoor.activeDenials('front', T), await sqDoor.activeDenials('front', T));
      // Bucket quotas and counted usage survive the move (a deployment on Postgres counts in its tables).
      const [pgQuota, sqQuota] = [await pgBucketQuotaStore(pg.pool, pg.schema), sqliteBucketQuotaStore(d.db)];
      assert.deepEqual(await pgQuota.usage('photos'), { bytes: 123_456, objects: 7 });
      assert.deepEqual(await pgQuota.usage('photos'), await sqQuota.usage('photos'));
      assert.deepEqual(await pgQuota.limits('photos'), await sqQuota.limits('photos'));
      assert.equal(await pgDoor.secret(() => 'another'), 'door-secret');
      assert.deepEqual(await (await pgCameraStore(pg.pool, pg.schema)).list(), await sqliteCameraStore(d.db).list());
      assert.deepEqual(
        await (await pgCameraStore(pg.pool, pg.schema)).getVisit('cv1'),
        await sqliteCameraStore(d.db).getVisit('cv1'),
      );
      assert.deepEqual(
        await (await pgProcessorStore(pg.pool, pg.schema)).get('watch'),
        await sqliteProcessorStore(d.db).get('watch'),
      );
      const pgGov = await pgGovernanceStores(pg.pool, pg.schema);
      const verified = await new AuditService(pgGov.audit).verify();
      assert.deepEqual([verified.ok, verified.checked], [true, 3]);
      assert.deepEqual(
        await pgGov.consent.get('people', 'p1'),
        await sqliteGovernanceStores(d.db).consent.get('people', 'p1'),
      );

      await assertLivenessCopied(d.db, pg.pool, pg.schema);

      // --check sees a change on either side.
      await pg.pool.query(`UPDATE "${pg.schema}".people SET email = 'changed@x'`);
      const changed = await comparePg(d.db, pg.pool, pg.schema);
      assert.deepEqual(
        changed.filter((r) => !r.same).map((r) => r.table),
        ['people'],
      );
      d.db.prepare('DELETE FROM sms_outbox').run();
      assert.deepEqual(
        (await comparePg(d.db, pg.pool, pg.schema)).filter((r) => !r.same).map((r) => r.table),
        ['people', 'sms_outbox'],
      );
      d.close();

      // The command line: --check exits 1 on a difference and prints the tables.
      const cli = spawnSync(process.execPath, ['bin/facegate.js', 'migrate', '--to', 'postgres', '--check', '--json'], {
        encoding: 'utf8',
        env: {
          ...process.env,
          FACEGATE_DATA_DIR: dir,
          FACEGATE_DATABASE_URL: pg.url,
          FACEGATE_DATABASE_SCHEMA: pg.schema,
          FACEGATE_LOG_LEVEL: 'silent',
        },
        timeout: 60_000,
      });
      assert.equal(cli.status, 1, cli.stderr);
      const report = JSON.parse(cli.stdout) as { tables: { table: string; same: boolean }[]; objects: unknown[] };
      assert.deepEqual(report.objects, []);
      assert.deepEqual(
        report.tables.filter((r) => !r.same).map((r) => r.table),
        ['people', 'sms_outbox'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await pg.close();
    }
  },
);
