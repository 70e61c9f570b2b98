// Scoped keys on a real server: collections made through the Rekognition SDK, pipelines, runs, doors and cameras
// made through the REST API, then read back with a key limited to some collections (listings filtered, single
// resources of other collections refused), and with keys limited to apps (liveness for the proctor and the door,
// consent for the apps that own the subject's collection).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateCollectionCommand, ListCollectionsCommand } from '@aws-sdk/client-rekognition';
import { startServer, type Harness } from '../rekognition/rekognition.harness.ts';
import { stubEngine } from '../rekognition/stub.engine.ts';

let h: Harness;
let admin: string;
let scoped: string;

async function rest(path: string, init: { method?: string; body?: unknown; raw?: Buffer; key?: string } = {}) {
  const r = await fetch(`${h.url}/v1${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'x-api-key': init.key ?? admin,
      ...(init.raw ? { 'content-type': 'image/jpeg' } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.raw ? { body: new Uint8Array(init.raw) } : {}),
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> & { code?: string } };
}
const ok = async (path: string, init: Parameters<typeof rest>[1] = {}) => {
  const r = await rest(path, init);
  assert.ok(r.status < 300, `${init.method ?? 'GET'} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

before(async () => {
  h = await startServer({ overrides: { engine: stubEngine } });
  const keys = await h.container.get('restKeys');
  admin = (await keys.create({ name: 'admin', role: 'admin' })).key;
  scoped = (await keys.create({ name: 'alpha and beta', role: 'operator', collections: ['alpha', 'beta'] })).key;
  const rk = h.client();
  for (const CollectionId of ['alpha', 'beta', 'gamma']) await rk.send(new CreateCollectionCommand({ CollectionId }));
  for (const c of ['alpha', 'gamma']) {
    await ok(`/pipelines/p-${c}`, { method: 'PUT', body: { collectionId: c, bucket: `in-${c}` } });
    await ok(`/buckets/in-${c}/objects/one.jpg`, { method: 'PUT', raw: Buffer.from([3, 0, 0, 0]) });
    await ok(`/doors`, { method: 'POST', body: { id: `door-${c}`, collectionId: c } });
    await ok(`/cameras`, { method: 'POST', body: { id: `cam-${c}`, source: { kind: 'push' }, collectionId: c } });
  }
});
after(() => h.close());

describe('a collection-scoped key on listings', () => {
  test('GET /v1/collections shows its collections only (the SDK, unscoped, sees all three)', async () => {
    const all = await h.client().send(new ListCollectionsCommand({}));
    assert.deepEqual(all.CollectionIds?.sort(), ['alpha', 'beta', 'gamma']);
    const mine = await ok('/collections', { key: scoped });
    assert.deepEqual((mine.collections as { collectionId: string }[]).map((c) => c.collectionId).sort(), [
      'alpha',
      'beta',
    ]);
    const every = await ok('/collections');
    assert.equal((every.collections as unknown[]).length, 3);
  });

  test('pipelines, runs, doors and cameras list their collections’ items only', async () => {
    const names = async (path: string, field: string, id: string) =>
      ((await ok(path, { key: scoped }))[field] as Record<string, unknown>[]).map((x) => x[id]);
    assert.deepEqual(await names('/pipelines', 'pipelines', 'name'), ['p-alpha']);
    assert.deepEqual(await names('/runs', 'runs', 'pipeline'), ['p-alpha']);
    assert.deepEqual(await names('/runs?pipeline=p-gamma', 'runs', 'pipeline'), []);
    assert.deepEqual(await names('/doors', 'doors', 'id'), ['door-alpha']);
    assert.deepEqual(await names('/cameras', 'cameras', 'id'), ['cam-alpha']);
    assert.deepEqual(await names('/visits', 'visits', 'id'), []);
    // The admin still sees both.
    assert.equal(((await ok('/runs')).runs as unknown[]).length, 2);
  });

  test('one pipeline, run, door or camera of another collection is SCOPE_DENIED; its own are reachable', async () => {
    const runs = (await ok('/runs')).runs as { runId: string; pipeline: string }[];
    const gammaRun = runs.find((r) => r.pipeline === 'p-gamma')!.runId;
    const alphaRun = runs.find((r) => r.pipeline === 'p-alpha')!.runId;
    for (const path of ['/pipelines/p-alpha', `/runs/${alphaRun}`, '/doors/door-alpha', '/cameras/cam-alpha']) {
      await ok(path, { key: scoped });
    }
    for (const path of [
      '/pipelines/p-gamma',
      `/runs/${gammaRun}`,
      '/doors/door-gamma',
      '/doors/door-gamma/visitors',
      '/cameras/cam-gamma',
      '/pipelines/no-such-pipeline',
    ]) {
      const r = await rest(path, { key: scoped });
      assert.equal(r.status, 403, path);
      assert.equal(r.body.code, 'SCOPE_DENIED', path);
    }
    // Changing a definition names its collection in the body, which is read after the scope check: still refused.
    const keys = await h.container.get('restKeys');
    const scopedAdmin = (await keys.create({ name: 'alpha admin', role: 'admin', collections: ['alpha'] })).key;
    const put = await rest('/pipelines/p-alpha', { method: 'PUT', key: scopedAdmin, body: { collectionId: 'gamma' } });
    assert.equal(put.body.code, 'SCOPE_DENIED');
  });
});

describe('liveness and consent for app-scoped keys', () => {
  test('liveness sessions are the proctor’s and the door’s: their keys create and read them, others are refused', async () => {
    const keys = await h.container.get('restKeys');
    const key = async (apps: ('proctor' | 'door' | 'verify')[], collections?: string[]) =>
      (await keys.create({ name: apps.join('+'), role: 'operator', apps, ...(collections ? { collections } : {}) }))
        .key;
    for (const k of [await key(['proctor']), await key(['door'], ['door-alpha'])]) {
      const created = await ok('/liveness/sessions', { method: 'POST', key: k, body: {} });
      assert.match(String(created.pageUrl), /^\/liveness\?session=/);
      const read = await ok(`/liveness/sessions/${String(created.sessionId)}`, { key: k });
      assert.equal(read.status, 'CREATED');
    }
    const verify = await rest('/liveness/sessions', { method: 'POST', key: await key(['verify']), body: {} });
    assert.equal(verify.status, 403);
    assert.match(String(verify.body.message), /belongs to proctor, door/);
  });

  test('consent of a subject belongs to the apps owning its collection', async () => {
    const keys = await h.container.get('restKeys');
    const doorKey = (await keys.create({ name: 'door', role: 'operator', apps: ['door'] })).key;
    const pipelineKey = (await keys.create({ name: 'pipe', role: 'operator', apps: ['pipeline'] })).key;
    const consent = { purpose: 'door access', method: 'written', givenBy: 'subject', textVersion: 'v1' };
    // door-alpha's collection is alpha, which pipeline p-alpha also feeds: both apps own its consent.
    await ok('/consents/alpha/visitor-1', { method: 'PUT', key: doorKey, body: consent });
    assert.equal((await ok('/consents/alpha/visitor-1', { key: pipelineKey })).subjectId, 'visitor-1');
    // beta is no app's: app-scoped keys are refused, unscoped and collection-scoped keys reach it.
    const refused = await rest('/consents/beta/s1', { method: 'PUT', key: doorKey, body: consent });
    assert.equal(refused.status, 403);
    assert.match(String(refused.body.message), /belongs to no app/);
    await ok('/consents/beta/s1', { method: 'PUT', key: scoped, body: consent });
    const gamma = await rest('/consents/gamma/s1', { method: 'PUT', key: scoped, body: consent });
    assert.equal(gamma.body.code, 'SCOPE_DENIED');
  });
});
