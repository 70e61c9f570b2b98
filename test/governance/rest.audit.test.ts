// Every biometric REST route writes exactly one audit entry (who, what, when, from where, image hash, ids,
// similarity, decision), others write none; /v1/audit is admin-only, exports NDJSON and reports tampering.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { InjectOptions } from 'fastify';
import { restAuditDescribers } from '../../src/api/rest/rest.audit.ts';
import { auditRoutes } from '../../src/api/rest/routes/audit.routes.ts';
import { AuditService } from '../../src/governance/audit.service.ts';
import { sqliteAuditStore } from '../../src/governance/audit.sqlite.ts';
import { appsHarness, b64 } from '../api/rest/apps.routes.fixture.ts';

const sha = (s: string) => createHash('sha256').update(Buffer.from(s)).digest('hex');

describe('REST audit', async () => {
  const db = new Database(':memory:');
  const audit = new AuditService(sqliteAuditStore(db));
  const describers = restAuditDescribers({ verify: 'people', proctor: 'proctor', uploads: 'uploads' });
  const h = await appsHarness({
    audit: { recorder: async () => audit, describers },
    extraRoutes: auditRoutes(async () => audit),
  });
  after(async () => {
    await h.close();
    db.close();
  });
  const userKeyId = (await h.keys.list()).find((k) => k.name === 'user')!.id;
  const headers = { 'x-api-key': h.user };
  const exercised = new Set<string>();
  const count = async () => (await audit.list({ limit: 10_000 })).length;

  /** Sends one request and returns the one entry it wrote (failing if it wrote none or several). */
  async function once(op: string, req: InjectOptions, status: number) {
    const before = await count();
    const res = await h.app.inject(req);
    assert.equal(res.statusCode, status, `${op}: ${res.body}`);
    const entries = await audit.list({ afterSeq: before, limit: 10 });
    assert.equal(entries.length, 1, `${op} wrote ${entries.length} entries`);
    const e = entries[0]!;
    assert.equal(e.operation, op);
    assert.deepEqual([e.api, e.actorKind, e.actorId, e.address], ['rest', 'key', userKeyId, '127.0.0.1']);
    exercised.add(op);
    return { res, e };
  }

  test('each biometric route writes one entry with what it did', async () => {
    const reg = await once(
      'registerPerson',
      { method: 'POST', url: '/v1/people', headers, payload: { name: 'Ann Lee', photos: [b64('faces:ann')] } },
      201,
    );
    const ann = reg.res.json() as { personId: string; photos: { faceId: string; photoId: string }[] };
    assert.deepEqual(reg.e.personal?.personIds, [ann.personId]);
    assert.deepEqual(reg.e.personal?.faceIds, [ann.photos[0]!.faceId]);
    assert.deepEqual(reg.e.personal?.images, [sha('faces:ann')]);
    assert.equal(reg.e.collectionId, 'people');

    const v = await once(
      'verifyPerson',
      { method: 'POST', url: `/v1/people/${ann.personId}/verify`, headers, payload: { image: b64('faces:ann') } },
      200,
    );
    assert.deepEqual([v.e.decision, v.e.similarity], ['verified', 97]);
    const raw = await once(
      'verifyPerson',
      {
        method: 'POST',
        url: `/v1/people/${ann.personId}/verify?threshold=99`,
        headers: { ...headers, 'content-type': 'image/jpeg' },
        payload: Buffer.from('faces:ann,bob'),
      },
      200,
    );
    assert.equal(raw.e.decision, 'not verified');
    assert.deepEqual(raw.e.personal?.images, [sha('faces:ann,bob')], 'raw bodies are hashed too');

    const who = await once(
      'identify',
      { method: 'POST', url: '/v1/identify', headers, payload: { image: b64('faces:ann') } },
      200,
    );
    assert.deepEqual([who.e.decision, who.e.personal?.personIds], ['identified', [ann.personId]]);
    const nobody = await once(
      'identify',
      { method: 'POST', url: '/v1/identify', headers, payload: { image: b64('faces:zed') } },
      200,
    );
    assert.equal(nobody.e.decision, 'unknown');

    const added = await once(
      'addPhotos',
      { method: 'POST', url: `/v1/people/${ann.personId}/photos`, headers, payload: { photos: [b64('faces:ann')] } },
      201,
    );
    const second = (added.res.json() as typeof ann).photos[1]!;
    await once(
      'deletePhoto',
      { method: 'DELETE', url: `/v1/people/${ann.personId}/photos/${second.photoId}`, headers },
      200,
    );

    const idx = await once(
      'indexUpload',
      { method: 'PUT', url: '/v1/index/k1', headers, payload: { image: b64('faces:cy') } },
      200,
    );
    assert.deepEqual(idx.e.personal?.externalImageIds, ['k1']);
    const found = await once(
      'searchUpload',
      { method: 'POST', url: '/v1/search', headers, payload: { image: b64('faces:cy') } },
      200,
    );
    assert.deepEqual([found.e.decision, found.e.similarity], ['matched', 97]);
    await once('deleteUpload', { method: 'DELETE', url: '/v1/index/k1', headers }, 200);

    const cand = await once(
      'indexCandidate',
      { method: 'POST', url: '/v1/proctor/faces', headers, payload: { image: b64('faces:dee'), fullName: 'Dee' } },
      201,
    );
    const checks = await once(
      'processFrame',
      { method: 'POST', url: '/v1/proctor/process', headers, payload: { image: b64('faces:dee') } },
      200,
    );
    assert.equal(checks.e.decision, '5/5 checks passed');
    const ext = (cand.res.json() as { ExternalImageId: string }).ExternalImageId;
    assert.deepEqual(cand.e.personal?.externalImageIds, [ext]);
    await once('deleteCandidate', { method: 'DELETE', url: `/v1/proctor/faces/${ext}`, headers }, 200);
    await once('deletePerson', { method: 'DELETE', url: `/v1/people/${ann.personId}`, headers }, 200);
  });

  test('a failed biometric operation is recorded with its error code', async () => {
    const bad = await once(
      'identify',
      { method: 'POST', url: '/v1/identify', headers, payload: { image: b64('faces:') } },
      400,
    );
    assert.equal(bad.e.outcome, 'NO_FACE');
    assert.deepEqual(bad.e.personal?.images, [sha('faces:')]);
  });

  test('reads that are not biometric operations write nothing', async () => {
    const before = await count();
    for (const url of ['/v1/people', '/v1/proctor/faces', '/v1/proctor/settings', '/v1/whoami']) {
      const r = await h.app.inject({ method: 'GET', url, headers });
      assert.ok(r.statusCode < 500, url);
    }
    assert.equal(await count(), before);
  });

  test('every audited route but the pipeline upload was exercised above', () => {
    // uploadToPipeline is wired the same way (the pipeline needs its job queue); the governance routes are checked
    // through the server: exportPerson and deletePerson in erasure.e2e, putConsent in consent.rekognition,
    // linkLivenessSession in liveness.erasure.e2e; the door's routes need the door part and are not exercised here.
    const expected = Object.keys(describers).filter(
      (op) =>
        ![
          'uploadToPipeline',
          'exportPerson',
          'withdrawConsent',
          'putConsent',
          'linkLivenessSession',
          'approveDoorVisitor',
          'denyDoorVisitor',
          'deleteDoorVisitor',
          'exportDoorVisitor',
        ].includes(op),
    );
    assert.deepEqual([...exercised].sort(), expected.sort());
  });

  test('/v1/audit is admin-only, filters, exports NDJSON and verifies the chain', async () => {
    const denied = await h.app.inject({ method: 'GET', url: '/v1/audit', headers });
    assert.equal(denied.statusCode, 403);
    const admin = { 'x-api-key': h.admin };
    const page = await h.app.inject({ method: 'GET', url: '/v1/audit?operation=identify&limit=2', headers: admin });
    assert.equal(page.statusCode, 200, page.body);
    const body = page.json() as { entries: { operation: string; seq: number }[]; next: number | null };
    assert.deepEqual(
      body.entries.map((e) => e.operation),
      ['identify', 'identify'],
    );
    const rest = await h.app.inject({
      method: 'GET',
      url: `/v1/audit?operation=identify&after=${body.next}`,
      headers: admin,
    });
    assert.deepEqual(
      (rest.json() as typeof body).entries.map((e) => e.operation),
      ['identify'],
    );
    const exp = await h.app.inject({ method: 'GET', url: '/v1/audit/export', headers: admin });
    assert.equal(exp.headers['content-type'], 'application/x-ndjson');
    const lines = exp.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number });
    assert.equal(lines.length, await count());
    assert.deepEqual(
      lines.map((l) => l.seq),
      lines.map((_, i) => i + 1),
    );
    assert.equal((await h.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: admin })).json().ok, true);
    db.exec('DROP TRIGGER audit_log_chained_columns');
    db.prepare(`UPDATE audit_log SET decision = 'verified' WHERE seq = 3`).run();
    const broken = (await h.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: admin })).json();
    assert.deepEqual([broken.ok, broken.problem.seq], [false, 3]);
  });
});
