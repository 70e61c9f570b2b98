import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createJwtVerifier } from '../../../src/api/rest/keys/jwt.verifier.ts';
import { RateLimiter } from '../../../src/api/rest/keys/rate.limiter.ts';
import { harness } from './rest.harness.ts';

const me = (key?: string, extra: Record<string, string> = {}) => ({
  method: 'GET' as const,
  url: '/v1/me',
  headers: { ...(key ? { 'x-api-key': key } : {}), ...extra },
});

describe('REST authentication', () => {
  test('refuses a request without credentials with 401 and a WWW-Authenticate header', async () => {
    const h = await harness();
    const r = await h.app.inject(me());
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().code, 'UNAUTHENTICATED');
    assert.ok(r.headers['www-authenticate']);
    await h.close();
  });

  test('refuses a wrong, malformed or revoked key with 401, and accepts a valid one', async () => {
    const h = await harness();
    assert.equal((await h.app.inject(me(h.user))).json().name, 'user');
    const wrongSecret = h.user.slice(0, -4) + (h.user.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assert.equal((await h.app.inject(me(wrongSecret))).statusCode, 401);
    assert.equal((await h.app.inject(me('not-a-key'))).statusCode, 401);
    const id = h.user.split('_')[1]!;
    await h.keys.revoke(id);
    assert.equal((await h.app.inject(me(h.user))).statusCode, 401);
    await h.close();
  });

  test('stores only a hash of the key', async () => {
    const h = await harness();
    const secret = h.user.slice('fgk_'.length + 13);
    assert.equal(secret.length, 43);
    const listed = JSON.stringify(await h.keys.list());
    assert.equal(listed.includes(secret), false);
    await h.close();
  });

  test('lets admins create, list and revoke keys over /v1/keys, and refuses users with 403', async () => {
    const h = await harness();
    const denied = await h.app.inject({ method: 'GET', url: '/v1/keys', headers: { 'x-api-key': h.user } });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().code, 'ACCESS_DENIED');
    const created = await h.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: { 'x-api-key': h.admin },
      payload: { name: 'kiosk', dailyQuota: 5 },
    });
    assert.equal(created.statusCode, 201);
    const { key, apiKey } = created.json();
    assert.match(key, /^fgk_[0-9a-f]{12}_/);
    assert.equal(apiKey.dailyQuota, 5);
    assert.equal((await h.app.inject(me(key))).statusCode, 200);
    const list = await h.app.inject({ method: 'GET', url: '/v1/keys', headers: { 'x-api-key': h.admin } });
    assert.equal(list.json().keys.length, 3);
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/v1/keys/${apiKey.id}`,
      headers: { 'x-api-key': h.admin },
    });
    assert.equal(del.statusCode, 200);
    assert.equal((await h.app.inject(me(key))).statusCode, 401);
    const again = await h.app.inject({
      method: 'DELETE',
      url: `/v1/keys/${apiKey.id}`,
      headers: { 'x-api-key': h.admin },
    });
    assert.equal(again.statusCode, 404);
    await h.close();
  });

  test('answers 429 QUOTA_EXCEEDED with Retry-After to the next UTC midnight once the daily quota is used', async () => {
    const h = await harness();
    const { key } = await h.keys.create({ name: 'q', dailyQuota: 2 });
    assert.equal((await h.app.inject(me(key))).statusCode, 200);
    assert.equal((await h.app.inject(me(key))).statusCode, 200);
    const over = await h.app.inject(me(key));
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().code, 'QUOTA_EXCEEDED');
    assert.equal(over.headers['retry-after'], String(12 * 3600)); // the harness clock is 12:00 UTC
    h.clock.ms += 12 * 3600 * 1000; // next day: the quota resets
    assert.equal((await h.app.inject(me(key))).statusCode, 200);
    await h.close();
  });

  test('answers 429 THROTTLED with Retry-After when a key exceeds its rate, and recovers as tokens refill', async () => {
    const h = await harness({ ratePerSecond: 1, burst: 2 });
    assert.equal((await h.app.inject(me(h.user))).statusCode, 200);
    assert.equal((await h.app.inject(me(h.user))).statusCode, 200);
    const r = await h.app.inject(me(h.user));
    assert.equal(r.statusCode, 429);
    assert.equal(r.json().code, 'THROTTLED');
    assert.equal(r.headers['retry-after'], '1');
    // Another key has its own bucket.
    assert.equal((await h.app.inject(me(h.admin))).statusCode, 200);
    h.clock.ms += 1000;
    assert.equal((await h.app.inject(me(h.user))).statusCode, 200);
    await h.close();
  });

  test('lets anonymous reads through when reads are public, never writes', async () => {
    const h = await harness({ publicReads: true });
    assert.equal((await h.app.inject(me())).statusCode, 200);
    const write = await h.app.inject({ method: 'POST', url: '/v1/keys', payload: { name: 'x' } });
    assert.equal(write.statusCode, 401);
    await h.close();
  });

  test('lets everything through when authentication is switched off explicitly', async () => {
    const h = await harness({ disabled: true });
    const r = await h.app.inject({ method: 'POST', url: '/v1/keys', payload: { name: 'x' } });
    assert.equal(r.statusCode, 201);
    await h.close();
  });
});

describe('bearer JWTs', () => {
  async function setup() {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const dir = mkdtempSync(join(tmpdir(), 'jwks-'));
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [jwk] }));
    const issuer = 'https://cognito-idp.example/pool';
    const sign = (claims: Record<string, unknown>, iss = issuer, exp = '5m') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(iss)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(privateKey);
    const h = await harness({
      jwt: createJwtVerifier({ issuer, jwksFile: file, audience: 'app-client' }),
      tokenQuota: 3,
    });
    return { h, sign };
  }

  test('accepts a token signed by the issuer for the audience, with the admin role from cognito:groups', async () => {
    const { h, sign } = await setup();
    const token = await sign({ sub: 'u-1', client_id: 'app-client', 'cognito:groups': ['admin'], username: 'ann' });
    const r = await h.app.inject(me(undefined, { authorization: `Bearer ${token}` }));
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { kind: 'jwt', id: 'u-1', name: 'ann', role: 'admin', scope: {} });
    const keys = await h.app.inject({ method: 'GET', url: '/v1/keys', headers: { authorization: `Bearer ${token}` } });
    assert.equal(keys.statusCode, 200);
    await h.close();
  });

  test('counts a daily quota per token subject and answers 429 with Retry-After past it', async () => {
    const { h, sign } = await setup();
    const bearer = async (sub: string) => ({ authorization: `Bearer ${await sign({ sub, aud: 'app-client' })}` });
    const ann = await bearer('ann');
    for (let i = 0; i < 3; i++) assert.equal((await h.app.inject(me(undefined, ann))).statusCode, 200);
    const over = await h.app.inject(me(undefined, ann));
    assert.deepEqual(
      [over.statusCode, over.json().code, over.headers['retry-after']],
      [429, 'QUOTA_EXCEEDED', String(12 * 3600)],
    );
    assert.equal(
      (await h.app.inject(me(undefined, await bearer('bob')))).statusCode,
      200,
      'another subject counts apart',
    );
    h.clock.ms += 12 * 3600 * 1000;
    assert.equal((await h.app.inject(me(undefined, ann))).statusCode, 200, 'a new UTC day resets the count');
    await h.close();
  });

  test('refuses tokens from another issuer, for another audience, expired, or tampered with', async () => {
    const { h, sign } = await setup();
    const bad = [
      await sign({ sub: 'u', aud: 'app-client' }, 'https://evil.example'),
      await sign({ sub: 'u', aud: 'other-client' }),
      await sign({ sub: 'u', aud: 'app-client' }, undefined, '-10m'),
      (await sign({ sub: 'u', aud: 'app-client' })).replace(/\.[^.]+$/, '.AAAA'),
    ];
    for (const token of bad) {
      const r = await h.app.inject(me(undefined, { authorization: `Bearer ${token}` }));
      assert.equal(r.statusCode, 401, token);
      assert.equal(r.json().code, 'UNAUTHENTICATED');
    }
    await h.close();
  });
});

describe('bearer JWTs from a JWKS URL', () => {
  test('fetches the issuer keys over HTTP and accepts a token they sign', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'e1', alg: 'ES256' }] });
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const issuer = 'https://issuer.example';
      const verify = createJwtVerifier({ issuer, jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json` });
      const token = await new SignJWT({ sub: 'u-9' })
        .setProtectedHeader({ alg: 'ES256', kid: 'e1' })
        .setIssuer(issuer)
        .setExpirationTime('5m')
        .sign(privateKey);
      assert.deepEqual(await verify(token), { kind: 'jwt', id: 'u-9', name: 'u-9', role: 'operator', scope: {} });
    } finally {
      server.close();
    }
  });
});

describe('RateLimiter', () => {
  test('allows the burst, then one request per 1/rate seconds', () => {
    let now = 0;
    const l = new RateLimiter(2, 3, () => now);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => l.take('a').allowed),
      [true, true, true, false],
    );
    now += 500;
    assert.equal(l.take('a').allowed, true);
    assert.equal(l.take('a').allowed, false);
  });

  test('forgets idle principals once many are tracked, keeping the ones still limited', () => {
    let now = 0;
    const l = new RateLimiter(1, 1, () => now);
    for (let i = 0; i < 10_000; i++) l.take(`ip:${i}`);
    now += 5000;
    assert.equal(l.take('busy').allowed, true);
    assert.equal(l.size, 1);
    assert.equal(l.take('busy').allowed, false, 'a limited principal is not forgotten');
  });
});
