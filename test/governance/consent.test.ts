// Consent: a collection that requires it refuses to register (REST) or index (the collection guard) a person
// without a record, with CONSENT_REQUIRED; a registration with consent stores it; one contract on both drivers.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { peopleRoutes } from '../../src/api/rest/routes/people.routes.ts';
import { privacyRoutes } from '../../src/api/rest/routes/privacy.routes.ts';
import { ConsentService } from '../../src/governance/consent.service.ts';
import { pgConsentStore } from '../../src/governance/consent.pg.ts';
import { sqliteConsentStore } from '../../src/governance/consent.sqlite.ts';
import type { ConsentStore } from '../../src/governance/consent.types.ts';
import { VerifyService } from '../../src/apps/verify/verify.service.ts';
import { sqlitePeopleStore } from '../../src/apps/verify/people.sqlite.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { FakeCollections } from '../apps/fake.collections.ts';
import { b64 } from '../api/rest/apps.routes.fixture.ts';
import { harness } from '../api/rest/rest.harness.ts';
import { freshPgSchema } from '../helpers/services.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

const consent = { purpose: 'door access', method: 'written', givenBy: 'Ann Lee', textVersion: 'v2' } as const;

function contract(name: string, open: () => Promise<{ store: ConsentStore; close(): Promise<void> }>) {
  test(`ConsentStore contract: ${name}`, async () => {
    const { store, close } = await open();
    try {
      const svc = new ConsentService(store, ['people'], () => new Date('2026-05-01T10:00:00Z'));
      await svc.give('people', 's1', { ...consent, givenAt: '2026-04-30T09:00:00Z' }, 'key1');
      await svc.give('other', 's1', consent, null);
      await svc.give('people', 's2', consent, null);
      const r = await svc.get('people', 's1');
      assert.deepEqual(r, {
        collectionId: 'people',
        subjectId: 's1',
        ...consent,
        givenAt: new Date('2026-04-30T09:00:00Z'),
        recordedBy: 'key1',
        recordedAt: new Date('2026-05-01T10:00:00Z'),
      });
      await svc.give('people', 's1', { ...consent, textVersion: 'v3' }, 'key2');
      assert.equal((await svc.get('people', 's1'))?.textVersion, 'v3', 'a new record replaces the old one');
      assert.deepEqual(
        (await svc.forSubject('s1')).map((c) => c.collectionId),
        ['other', 'people'],
      );
      await svc.guardIndex('people', 's1');
      await svc.guardIndex('elsewhere', undefined);
      await assert.rejects(svc.guardIndex('people', 's9'), { code: 'CONSENT_REQUIRED' });
      await assert.rejects(svc.guardIndex('people', undefined), { code: 'CONSENT_REQUIRED' });
      assert.equal(await svc.remove('s1'), 2);
      assert.equal(await svc.get('people', 's1'), undefined);
      assert.ok(await svc.get('people', 's2'));
    } finally {
      await close();
    }
  });
}

contract('SQLite', async () => {
  const db = new Database(':memory:');
  return { store: sqliteConsentStore(db), close: async () => void db.close() };
});
contract('Postgres', async () => {
  const pg = await freshPgSchema('consent');
  return { store: await pgConsentStore(pg.pool, pg.schema), close: () => pg.close() };
});

describe('registration in a collection that requires consent', async () => {
  const db = new Database(':memory:');
  const svc = new ConsentService(sqliteConsentStore(db), ['people']);
  const collections = new FakeCollections();
  const verify = new VerifyService({
    people: sqlitePeopleStore(db),
    collections,
    objects: new LocalObjectStore(mkdtempSync(join(tmpdir(), 'fg-consent-'))),
    thumbnails: { faceThumbnail: async () => new Uint8Array([1]) },
    collectionId: 'people',
    threshold: 80,
    uuid: randomUUID,
    now: () => new Date(),
    consent: svc,
  });
  const h = await harness({
    routes: () => [
      ...peopleRoutes(async () => verify, 1 << 20),
      ...privacyRoutes({ privacy: async () => assert.fail('not used'), consent: async () => svc }),
    ],
  });
  after(async () => {
    await h.close();
    db.close();
  });
  const headers = { 'x-api-key': h.user };

  test('is refused with CONSENT_REQUIRED without a consent record, and nothing is indexed', async () => {
    const r = await h.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers,
      payload: { name: 'Ann', photos: [b64('faces:ann')] },
    });
    assert.equal(r.statusCode, 422);
    assert.equal(r.json().code, 'CONSENT_REQUIRED');
    assert.equal(collections.faces.get('people')?.size ?? 0, 0);
  });

  test('with consent (JSON or multipart) stores the record, readable per person', async () => {
    const r = await h.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers,
      payload: { name: 'Ann', consent, photos: [b64('faces:ann')] },
    });
    assert.equal(r.statusCode, 201, r.body);
    const c = await h.app.inject({ method: 'GET', url: `/v1/people/${r.json().personId}/consent`, headers });
    const [rec] = c.json().consents;
    assert.deepEqual(
      [rec.purpose, rec.method, rec.givenBy, rec.textVersion],
      ['door access', 'written', 'Ann Lee', 'v2'],
    );
    assert.match(rec.recordedBy, /^[0-9a-f]{12}$/);
  });

  test('a consent that fails validation names the field', async () => {
    const r = await h.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers,
      payload: { name: 'Ann', consent: { ...consent, method: 'telepathy' }, photos: [b64('faces:ann')] },
    });
    assert.equal(r.statusCode, 400);
    assert.match(r.json().message, /consent\.method/);
  });

  test('a failed registration leaves no consent record behind', async () => {
    const r = await h.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers,
      payload: { name: 'Bo', consent, photos: [b64('faces:')] },
    });
    assert.equal(r.statusCode, 400);
    const rows = db.prepare(`SELECT COUNT(*) AS n FROM consents`).get() as { n: number };
    assert.equal(rows.n, 1);
  });

  test('PUT /v1/consents records consent for a subject of any collection', async () => {
    const r = await h.app.inject({ method: 'PUT', url: '/v1/consents/lobby/visitor-7', headers, payload: consent });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(
      (await h.app.inject({ method: 'GET', url: '/v1/consents/lobby/visitor-7', headers })).json().subjectId,
      'visitor-7',
    );
    assert.equal((await h.app.inject({ method: 'GET', url: '/v1/consents/lobby/nobody', headers })).statusCode, 404);
  });
});
