// Roles and scopes over the real route declarations of every app: each role against representative routes, keys
// limited to collections or apps, and the role a bearer token's Cognito groups give. Services are never reached
// here: every service getter answers NOT_READY (503), so a request the auth hook lets through ends in 503 (or 400
// on a bad body) and one it refuses ends in 403, whatever the route does.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createJwtVerifier, roleOfClaims } from '../../../src/api/rest/keys/jwt.verifier.ts';
import { sharpThumbnailer } from '../../../src/apps/sharp.thumbnailer.ts';
import { FacegateError } from '../../../src/errors.ts';
import { auditRoutes } from '../../../src/api/rest/routes/audit.routes.ts';
import { camerasRoutes } from '../../../src/api/rest/routes/cameras.routes.ts';
import { collectionsRoutes } from '../../../src/api/rest/routes/collections.routes.ts';
import { doorRoutes } from '../../../src/api/rest/routes/door.routes.ts';
import { peopleRoutes } from '../../../src/api/rest/routes/people.routes.ts';
import { pipelineRoutes } from '../../../src/api/rest/routes/pipeline.routes.ts';
import { privacyRoutes } from '../../../src/api/rest/routes/privacy.routes.ts';
import { proctorRoutes } from '../../../src/api/rest/routes/proctor.routes.ts';
import { retentionRoutes } from '../../../src/api/rest/routes/retention.routes.ts';
import { uploadsRoutes } from '../../../src/api/rest/routes/uploads.routes.ts';
import { harness, type HarnessOptions } from './rest.harness.ts';

const MB = 1024 * 1024;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const notReady = async (): Promise<any> => {
  throw new FacegateError('NOT_READY', 'not started in this test');
};

const everyApp: HarnessOptions = {
  appCollections: { verify: 'people', proctor: 'proctor', uploads: 'uploads' },
  routes: () => [
    ...peopleRoutes(notReady, MB, notReady),
    ...privacyRoutes({ privacy: notReady, consent: notReady }),
    ...uploadsRoutes(notReady, MB),
    ...proctorRoutes(notReady, MB),
    ...collectionsRoutes(notReady, notReady, sharpThumbnailer()),
    ...pipelineRoutes(notReady, MB, MB),
    ...doorRoutes(notReady, notReady),
    ...camerasRoutes(notReady, MB),
    ...auditRoutes(notReady),
    ...retentionRoutes(notReady),
  ],
};

const PERSON = '00000000-0000-4000-8000-000000000001';
const IMAGE = { image: Buffer.from('not an image').toString('base64') };
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Call {
  method: Method;
  url: string;
  payload?: object;
}
const call = (method: Method, url: string, payload?: object): Call => ({
  method,
  url,
  ...(payload ? { payload } : {}),
});

/** Representative routes and the weakest role each admits. */
const MATRIX: [Call, 'reader' | 'operator' | 'admin'][] = [
  [call('POST', '/v1/identify', IMAGE), 'reader'],
  [call('POST', `/v1/people/${PERSON}/verify`, IMAGE), 'reader'],
  [call('POST', '/v1/search', IMAGE), 'reader'],
  [call('POST', '/v1/proctor/process', IMAGE), 'reader'],
  [call('GET', '/v1/people'), 'reader'],
  [call('GET', '/v1/runs'), 'reader'],
  [call('GET', '/v1/events'), 'reader'],
  [call('POST', '/v1/people', { name: 'Ann' }), 'operator'],
  [call('PATCH', `/v1/people/${PERSON}`, { name: 'Ann B' }), 'operator'],
  [call('DELETE', `/v1/people/${PERSON}`), 'operator'],
  [call('POST', '/v1/proctor/faces', { externalImageId: 'x', ...IMAGE }), 'operator'],
  [call('DELETE', '/v1/index/photo.jpg'), 'operator'],
  [call('POST', '/v1/pipelines/intake/uploads', IMAGE), 'operator'],
  [call('POST', '/v1/cameras/gate/frames', IMAGE), 'operator'],
  [call('GET', '/v1/keys'), 'admin'],
  [call('GET', '/v1/audit'), 'admin'],
  [call('POST', '/v1/retention/run'), 'admin'],
  [call('POST', '/v1/doors', { doorId: 'front', name: 'Front' }), 'admin'],
  [call('DELETE', '/v1/cameras/gate'), 'admin'],
];
/** Let through by the auth hook (the route then answers 503 NOT_READY, or 400 on a bad body). */
const passes = (status: number) => status !== 401 && status !== 403;
const RANK = { reader: 0, operator: 1, admin: 2 } as const;

describe('REST roles', () => {
  test('each role reaches the routes of its level and below, and gets 403 ACCESS_DENIED above', async () => {
    const h = await harness(everyApp);
    try {
      const keys = {
        reader: (await h.keys.create({ name: 'r', role: 'reader' })).key,
        operator: h.user,
        admin: h.admin,
      };
      for (const role of ['reader', 'operator', 'admin'] as const) {
        for (const [c, needs] of MATRIX) {
          const r = await h.app.inject({ ...c, headers: { 'x-api-key': keys[role] } });
          const what = `${role} ${c.method} ${c.url} → ${r.statusCode} ${r.body.slice(0, 120)}`;
          if (RANK[role] >= RANK[needs]) {
            assert.ok(r.statusCode !== 401 && r.statusCode !== 403, what);
          } else {
            assert.equal(r.statusCode, 403, what);
            assert.equal(r.json().code, 'ACCESS_DENIED', what);
            assert.match(r.json().message, new RegExp(`needs the ${needs} role`), what);
          }
        }
      }
    } finally {
      await h.close();
    }
  });

  test("keys created with the former role name 'user' are operators; /v1/keys takes role and scope", async () => {
    const h = await harness(everyApp);
    try {
      const created = await h.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers: { 'x-api-key': h.admin },
        payload: { name: 'kiosk', role: 'reader', collections: ['people'], apps: ['verify', 'proctor'] },
      });
      assert.equal(created.statusCode, 201);
      assert.deepEqual(
        [created.json().apiKey.role, created.json().apiKey.collections, created.json().apiKey.apps],
        ['reader', ['people'], ['proctor', 'verify']],
      );
      const me = await h.app.inject({ method: 'GET', url: '/v1/me', headers: { 'x-api-key': created.json().key } });
      assert.deepEqual(me.json().scope, { collections: ['people'], apps: ['proctor', 'verify'] });
      const legacy = await h.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers: { 'x-api-key': h.admin },
        payload: { name: 'old script', role: 'user' },
      });
      assert.equal(legacy.json().apiKey.role, 'operator');
      const bad = await h.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers: { 'x-api-key': h.admin },
        payload: { name: 'x', apps: ['mail'] },
      });
      assert.equal(bad.statusCode, 400);
    } finally {
      await h.close();
    }
  });
});

describe('REST roles in the OpenAPI document', () => {
  test('each operation names the weakest role that may call it and its app', async () => {
    const h = await harness(everyApp);
    try {
      const doc = (await h.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json() as {
        paths: Record<string, Record<string, Record<string, unknown>>>;
      };
      const op = (path: string, method: string) => doc.paths[path]?.[method] ?? {};
      assert.deepEqual(
        [op('/v1/identify', 'post')['x-facegate-role'], op('/v1/identify', 'post')['x-facegate-app']],
        ['reader', 'verify'],
      );
      assert.equal(op('/v1/people', 'post')['x-facegate-role'], 'operator');
      assert.equal(op('/v1/keys', 'get')['x-facegate-role'], 'admin');
      assert.equal(op('/v1/proctor/process', 'post')['x-facegate-app'], 'proctor');
    } finally {
      await h.close();
    }
  });
});

describe('REST key scopes', () => {
  test('a key scoped to one collection reaches it and gets 403 SCOPE_DENIED on any other', async () => {
    const h = await harness(everyApp);
    try {
      const key = (await h.keys.create({ name: 'people only', role: 'operator', collections: ['people'] })).key;
      const send = (c: Call) => h.app.inject({ ...c, headers: { 'x-api-key': key } });
      assert.ok(passes((await send(call('POST', '/v1/identify', IMAGE))).statusCode), 'identify in people');
      assert.ok(passes((await send(call('GET', '/v1/collections/people/faces'))).statusCode));
      assert.ok(passes((await send(call('GET', `/v1/consents/people/s1`))).statusCode));
      // Listings are let through and filtered by their handlers (test/api/rest/scoped.listings.test.ts).
      for (const url of ['/v1/collections', '/v1/runs', '/v1/pipelines', '/v1/doors', '/v1/cameras', '/v1/visits']) {
        assert.ok(passes((await send(call('GET', url))).statusCode), url);
      }
      for (const c of [
        call('POST', '/v1/search', IMAGE), // the uploads collection
        call('POST', '/v1/proctor/process', IMAGE), // the proctor collection
        call('GET', '/v1/collections/staff/faces'),
        call('GET', '/v1/consents/staff/s1'),
        call('GET', '/v1/events'), // events span every app and collection
      ]) {
        const r = await send(c);
        assert.equal(r.statusCode, 403, `${c.method} ${c.url}`);
        assert.equal(r.json().code, 'SCOPE_DENIED');
      }
      const r = await send(call('POST', '/v1/search', IMAGE));
      assert.match(r.json().message, /limited to the collections people, not uploads/);
      assert.equal((await send(call('GET', '/v1/me'))).statusCode, 200, 'whoAmI is open to every scoped key');
      assert.equal((await send(call('GET', '/v1/no-such-route'))).json().code, 'ROUTE_NOT_FOUND');
    } finally {
      await h.close();
    }
  });

  test('an app-scoped key reaches its apps only', async () => {
    const h = await harness(everyApp);
    try {
      const key = (await h.keys.create({ name: 'exam kiosk', role: 'reader', apps: ['proctor'] })).key;
      const send = (c: Call) => h.app.inject({ ...c, headers: { 'x-api-key': key } });
      assert.ok(passes((await send(call('POST', '/v1/proctor/process', IMAGE))).statusCode));
      assert.ok(passes((await send(call('GET', '/v1/proctor/settings'))).statusCode));
      for (const c of [
        call('POST', '/v1/identify', IMAGE),
        call('POST', `/v1/people/${PERSON}/verify`, IMAGE),
        call('GET', '/v1/runs'),
        call('GET', '/v1/doors'),
        call('GET', '/v1/cameras'),
        call('GET', '/v1/retention'), // belongs to no app
      ]) {
        const r = await send(c);
        assert.equal(r.statusCode, 403, `${c.method} ${c.url}`);
        assert.equal(r.json().code, 'SCOPE_DENIED');
      }
      // Consent of the proctor's own subjects is the proctor's; consent of verify's people is not.
      assert.ok(passes((await send(call('GET', '/v1/consents/proctor/s1'))).statusCode));
      assert.equal((await send(call('GET', '/v1/consents/people/s1'))).json().code, 'SCOPE_DENIED');
      // The role still applies inside the scope.
      const write = await send(call('POST', '/v1/proctor/faces', { externalImageId: 'x', ...IMAGE }));
      assert.equal(write.json().code, 'ACCESS_DENIED');
      assert.equal((await send(call('DELETE', '/v1/no-such-route'))).statusCode, 404, 'not a refusal');
    } finally {
      await h.close();
    }
  });

  test('collections and apps together: both must hold', async () => {
    const h = await harness(everyApp);
    try {
      const key = (await h.keys.create({ name: 'v', role: 'reader', apps: ['verify'], collections: ['people'] })).key;
      const send = (c: Call) => h.app.inject({ ...c, headers: { 'x-api-key': key } });
      assert.ok(passes((await send(call('POST', '/v1/identify', IMAGE))).statusCode));
      assert.equal((await send(call('GET', '/v1/collections/people/faces'))).json().code, 'SCOPE_DENIED');
    } finally {
      await h.close();
    }
  });
});

describe('bearer token roles', () => {
  test('cognito:groups (or a role claim) give admin, operator or reader; the strongest wins', () => {
    assert.equal(roleOfClaims({ 'cognito:groups': ['reader', 'admin'] }), 'admin');
    assert.equal(roleOfClaims({ 'cognito:groups': ['operator'] }), 'operator');
    assert.equal(roleOfClaims({ 'cognito:groups': ['reader', 'staff'] }), 'reader');
    assert.equal(roleOfClaims({ role: 'reader' }), 'reader');
    assert.equal(roleOfClaims({ 'cognito:groups': ['staff'] }), 'operator', 'no role group: what tokens had before');
    assert.equal(roleOfClaims({}), 'operator');
  });

  test('a reader token can identify but not register; an operator token can register', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const file = join(mkdtempSync(join(tmpdir(), 'fg-roles-')), 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }));
    const issuer = 'https://issuer.example';
    const sign = (groups: string[]) =>
      new SignJWT({ sub: groups.join('-') || 'none', 'cognito:groups': groups })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(issuer)
        .setExpirationTime('5m')
        .sign(privateKey);
    const h = await harness({ ...everyApp, jwt: createJwtVerifier({ issuer, jwksFile: file }) });
    try {
      const as = async (groups: string[], c: Call) =>
        h.app.inject({ ...c, headers: { authorization: `Bearer ${await sign(groups)}` } });
      const register = call('POST', '/v1/people', { name: 'Ann' });
      assert.ok(passes((await as(['reader'], call('POST', '/v1/identify', IMAGE))).statusCode));
      assert.equal((await as(['reader'], register)).json().code, 'ACCESS_DENIED');
      assert.ok(passes((await as(['operator'], register)).statusCode));
      assert.equal((await as(['operator'], call('GET', '/v1/keys'))).json().code, 'ACCESS_DENIED');
      assert.equal((await as(['admin'], call('GET', '/v1/keys'))).statusCode, 200);
      assert.equal((await as(['reader'], call('GET', '/v1/me'))).json().role, 'reader');
    } finally {
      await h.close();
    }
  });
});
