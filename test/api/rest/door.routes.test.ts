// The door's REST routes in the real server (stub engine: no face work here): admin-only door definitions with clear
// 400s, the public door and approval routes without a key, and their refusals: 403 Permission denied, 429 with
// Retry-After while locked out, 403 for a forged link, 404 for an unknown door. A stranger's door.unknown is listed by
// GET /v1/events without its approval link, which reaches the owner's SMS only.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startServer, type Harness } from '../rekognition/rekognition.harness.ts';
import { stubEngine } from '../rekognition/stub.engine.ts';

let h: Harness;
let admin: string;
let user: string;
const call = async (method: string, path: string, body?: unknown, key?: string) => {
  const r = await fetch(h.url + path, {
    method,
    headers: { ...(key ? { 'x-api-key': key } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, headers: r.headers, body: (await r.json()) as Record<string, unknown> };
};

describe('door REST routes', { timeout: 120_000 }, () => {
  before(async () => {
    h = await startServer({ overrides: { engine: stubEngine } }, { FACEGATE_DOOR_MAX_FAILURES: '3' });
    const keys = await h.container.get('restKeys');
    admin = (await keys.create({ name: 'admin', role: 'admin' })).key;
    user = (await keys.create({ name: 'user' })).key;
  });
  after(async () => h.close());

  test('defines doors with an admin key only, naming each bad field', async () => {
    assert.equal((await call('POST', '/v1/doors', { id: 'front' })).status, 401);
    assert.equal((await call('POST', '/v1/doors', { id: 'front' }, user)).status, 403);
    const bad = await call('POST', '/v1/doors', { id: 'front door', threshold: 120, owner: { sms: '555' } }, admin);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'INVALID_PARAMETER');
    for (const field of ['id', 'threshold', 'owner.sms'])
      assert.match(String(bad.body.message), new RegExp(field.replace('.', '\\.')));
    const noSmtp = await call('POST', '/v1/doors', { id: 'front', owner: { email: 'owner@example.com' } }, admin);
    assert.equal(noSmtp.status, 400);
    assert.match(String(noSmtp.body.message), /email channel is not configured/);
    assert.equal((await call('GET', '/v1/doors/front', undefined, user)).status, 404, 'a refused door is not stored');
    const made = await call(
      'POST',
      '/v1/doors',
      { id: 'front', name: 'Front door', owner: { sms: '+15550000001' } },
      admin,
    );
    assert.equal(made.status, 201);
    assert.equal(made.body.collectionId, 'door-front');
    const put = await call('PUT', '/v1/doors/front', { name: 'Front', threshold: 85 }, admin);
    assert.equal(put.body.threshold, 85);
    const list = await call('GET', '/v1/doors', undefined, user);
    assert.deepEqual(
      (list.body.doors as { id: string }[]).map((d) => d.id),
      ['front'],
    );
    const subs = await call('GET', '/v1/subscriptions', undefined, admin);
    assert.deepEqual(
      (subs.body.subscriptions as { channel: string; eventTypes: string[] }[]).map((s) => [s.channel, s.eventTypes]),
      [['sms', ['door.unknown']]],
    );
  });

  test('the public door answers without a key, refuses wrong codes and locks the address out', async () => {
    assert.deepEqual((await call('GET', '/v1/door/front')).body, { id: 'front', name: 'Front', secondFactor: false });
    assert.equal((await call('GET', '/v1/door/nowhere')).status, 404);
    for (let i = 0; i < 3; i++) {
      const r = await call('POST', '/v1/door/front/open', { passcode: `00000${i}` });
      assert.equal(r.status, 403);
      assert.deepEqual([r.body.code, r.body.message], ['ACCESS_DENIED', 'Permission denied']);
    }
    const locked = await call('POST', '/v1/door/front/open', { passcode: '000009' });
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get('retry-after'), '30');
    assert.equal((await call('POST', '/v1/door/front/open', {})).status, 400);
    const audit = await call('GET', '/v1/doors/front/attempts', undefined, admin);
    assert.deepEqual(
      (audit.body.attempts as { outcome: string }[]).map((a) => a.outcome),
      ['locked', 'wrong', 'wrong', 'wrong'],
    );
    assert.equal((await call('GET', '/v1/doors/front/attempts', undefined, user)).status, 403);
  });

  test('GET /v1/events lists a stranger without the approval link; the owner SMS carries it', async () => {
    const owner = '+15550000003';
    assert.equal((await call('POST', '/v1/doors', { id: 'side', owner: { sms: owner } }, admin)).status, 201);
    const jpeg = new Uint8Array(readFileSync(new URL('../../fixtures/images/identity.jpg', import.meta.url)));
    const now = new Date();
    const outcome = await (
      await h.container.get('door')
    ).service.handleVisit({
      id: randomUUID(),
      cameraId: 'cam-side',
      doorId: 'side',
      collectionId: 'door-side',
      trackId: randomUUID(),
      verdict: { kind: 'unknown', bestSimilarity: null },
      firstSeenAt: now,
      decidedAt: now,
      framesSeen: 3,
      snapshots: [{ jpeg, box: { left: 0.2, top: 0.2, width: 0.5, height: 0.5 }, quality: 90 }],
      descriptor: Float32Array.from([1, 0, 0, 0]),
    });
    assert.equal(outcome.kind, 'unknown');
    const listed = await call('GET', '/v1/events?type=door.unknown', undefined, user);
    assert.equal(listed.status, 200);
    const [event] = listed.body.events as { id: string; data: Record<string, unknown> }[];
    assert.equal(event?.data.pendingId, outcome.pendingId);
    assert.equal(event?.data.approvalUrl, undefined);
    assert.doesNotMatch(JSON.stringify(listed.body), /approve\?token=/);
    // The in-process worker delivers it to the owner's SMS subscription, link included.
    let sms: { to: string; body: string } | undefined;
    for (let i = 0; i < 100 && !sms; i++) {
      const out = await call('GET', '/v1/sms-outbox', undefined, admin);
      sms = (out.body.messages as { to: string; body: string }[]).find((m) => m.to === owner);
      if (!sms) await new Promise((r) => setTimeout(r, 100));
    }
    const link = /https?:\/\/\S+\/approve\?token=(\S+)/.exec(sms?.body ?? '');
    assert.ok(link, `the owner SMS carries the link: ${sms?.body}`);
    const page = await call('GET', `/v1/approvals/${link[1]}`);
    assert.equal(page.status, 200, JSON.stringify(page.body));
  });

  test('a forged approval link is refused, and the routes are in the OpenAPI document', async () => {
    const forged = await call('GET', '/v1/approvals/not-a.real.token');
    assert.equal(forged.status, 403);
    assert.equal(forged.body.code, 'ACCESS_DENIED');
    assert.equal((await call('POST', '/v1/approvals/x.1.y', { decision: 'deny' })).status, 403);
    const doc = await call('GET', '/v1/openapi.json');
    const paths = Object.keys(doc.body.paths as object);
    for (const p of ['/v1/doors', '/v1/door/{doorId}/open', '/v1/approvals/{token}']) assert.ok(paths.includes(p), p);
    assert.equal((await call('DELETE', '/v1/doors/front', undefined, admin)).status, 200);
    assert.equal((await call('DELETE', '/v1/doors/front', undefined, admin)).status, 404);
  });
});
