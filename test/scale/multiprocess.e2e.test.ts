// Multi-process, end to end: two API processes and one worker (`facegate serve --role …`, real child processes with
// the real engine) on one Postgres schema and one S3 server (s3rver). Proves that the processes share state at once
// (vectors, people), that a pipeline upload is processed exactly once, that a worker killed with SIGKILL mid-job is
// retried by another worker and the run completes once, that the outbox delivers each event once to a webhook, and
// that a Face Liveness session is one session whichever process takes each of its requests (single use, lockout).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateCollectionCommand,
  CreateFaceLivenessSessionCommand,
  GetFaceLivenessSessionResultsCommand,
  IndexFacesCommand,
  ListFacesCommand,
  RekognitionClient,
  SearchFacesByImageCommand,
} from '@aws-sdk/client-rekognition';
import { HeadObjectCommand, ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { freshPgSchema } from '../helpers/services.ts';
import { startS3Server, type S3Server } from '../helpers/s3.server.ts';
import { ProcessSet, waitFor, type Served } from './process.harness.ts';

const image = (name: string) => readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url));
const ACCESS = { accessKeyId: 'AKIDMULTIPROC0000001', secretAccessKey: 'multiproc-secret-0123456789abcdef' };

interface Run {
  runId: string;
  state: string;
  steps: { name: string; state: string; attempts?: number }[];
  events: { id: string; type: string }[];
}

describe('two API processes and one worker on one Postgres and one S3 server', { timeout: 300_000 }, () => {
  let pg: Awaited<ReturnType<typeof freshPgSchema>>;
  let s3: S3Server;
  let procs: ProcessSet;
  let a: Served;
  let b: Served;
  let worker: Served;
  let apiKey: string;
  let hooks: Server;
  let hookUrl: string;
  const deliveries = new Map<string, number>();

  const rest = async (p: Served, method: string, path: string, body?: Buffer | object, type?: string) => {
    const raw = Buffer.isBuffer(body);
    const res = await fetch(`${p.url}/v1${path}`, {
      method,
      headers: {
        'x-api-key': apiKey,
        ...(body !== undefined && { 'content-type': type ?? (raw ? 'image/jpeg' : 'application/json') }),
      },
      ...(body !== undefined && { body: raw ? new Uint8Array(body) : JSON.stringify(body) }),
    });
    const text = await res.text();
    // A server error carries the process's log tail, so a failure says what broke inside.
    const log = res.status >= 500 ? `\n--- ${p.name} log ---\n${p.output().slice(-4000)}` : '';
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as any, text: text + log };
  };
  const rekognition = (p: Served) =>
    new RekognitionClient({ endpoint: p.url, region: 'us-east-1', credentials: ACCESS, maxAttempts: 1 });
  const run = async (p: Served, runId: string) => (await rest(p, 'GET', `/runs/${runId}`)).json as Run;
  const finished = (p: Served, runId: string, ms = 90_000) =>
    waitFor(
      `run ${runId} to finish`,
      async () => {
        const r = await run(p, runId);
        return r.state === 'succeeded' || r.state === 'failed' ? r : undefined;
      },
      ms,
    );

  before(async () => {
    pg = await freshPgSchema('multiproc');
    s3 = await startS3Server(['facegate']);
    hooks = createServer((req, res) => {
      const id = String(req.headers['x-facegate-event-id'] ?? '');
      req.resume();
      req.on('end', () => {
        deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
        res.writeHead(204).end();
      });
    });
    hooks.listen(0, '127.0.0.1');
    await new Promise((r) => hooks.once('listening', r));
    hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
    procs = new ProcessSet({
      FACEGATE_DATABASE_URL: pg.url,
      FACEGATE_DATABASE_SCHEMA: pg.schema,
      FACEGATE_DATABASE_POOL_SIZE: '4',
      FACEGATE_S3_BUCKET: 'facegate',
      FACEGATE_S3_ENDPOINT: s3.endpoint,
      FACEGATE_S3_FORCE_PATH_STYLE: 'true',
      FACEGATE_S3_ACCESS_KEY_ID: s3.accessKeyId,
      FACEGATE_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      FACEGATE_S3_PORT: '0',
      FACEGATE_ACCESS_KEY_ID: ACCESS.accessKeyId,
      FACEGATE_SECRET_ACCESS_KEY: ACCESS.secretAccessKey,
      // A killed worker's job is retried once its 5 s lease has expired; steps on the real engine take well under.
      FACEGATE_JOBS_LEASE_MS: '5000',
      FACEGATE_JOBS_BACKOFF_MS: '200',
      FACEGATE_JOBS_POLL_MS: '100',
      FACEGATE_NOTIFY_BACKOFF_MS: '200',
      // The liveness tests post as several clients (X-Forwarded-For from loopback, as from a load balancer).
      FACEGATE_TRUST_PROXY: 'loopback',
    });
    apiKey = (JSON.parse(procs.run(['keys', 'create', '--name', 'e2e', '--admin', '--json'])) as { key: string }).key;
    [a, b] = await Promise.all([procs.serve('api-a', 'api'), procs.serve('api-b', 'api')]);
  });

  after(async () => {
    await procs?.stopAll();
    await new Promise((r) => (hooks ? hooks.close(r) : r(undefined)));
    await s3?.stop();
    await pg?.close();
  });

  test('a face indexed through one API process is found through the other at once', async () => {
    await rekognition(a).send(new CreateCollectionCommand({ CollectionId: 'mp' }));
    const indexed = await rekognition(a).send(
      new IndexFacesCommand({ CollectionId: 'mp', Image: { Bytes: image('dani_640.jpg') }, MaxFaces: 1 }),
    );
    const faceId = indexed.FaceRecords?.[0]?.Face?.FaceId;
    assert.ok(faceId, 'a face was indexed');
    const found = await rekognition(b).send(
      new SearchFacesByImageCommand({ CollectionId: 'mp', Image: { Bytes: image('dani_1_640.jpg') } }),
    );
    assert.deepEqual(
      found.FaceMatches?.map((m) => m.Face?.FaceId),
      [faceId],
    );
  });

  test('a person registered through one process and deleted through the other is gone from both', async () => {
    const reg = await rest(a, 'POST', '/people?name=Grace', image('grace_hopper_512x512.jpg'));
    assert.equal(reg.status, 201, reg.text);
    const personId = reg.json.personId as string;
    const seen = await rest(b, 'POST', '/identify', image('grace_hopper_512x512.jpg'));
    assert.equal(seen.status, 200, seen.text);
    assert.deepEqual(
      seen.json.matches.map((m: { person: { personId: string } }) => m.person.personId),
      [personId],
    );
    const del = await rest(b, 'DELETE', `/people/${personId}`);
    assert.equal(del.status, 200, del.text);
    assert.equal(del.json.deleted, personId);
    const gone = await rest(a, 'POST', '/identify', image('grace_hopper_512x512.jpg'));
    assert.equal(gone.status, 200, gone.text);
    assert.equal(gone.json.unknown, true, gone.text);
    assert.deepEqual(gone.json.matches, []);
    assert.equal((await rest(a, 'GET', `/people/${personId}`)).status, 404);
  });

  // ---- Face Liveness: the session, its frames and the lockout are the deployment's, not a process's. ----
  const frontal = image('dani_1_640.jpg');
  const turned = image('dani_640.jpg');
  const createSession = async (
    p: Served,
    Settings?: { AuditImagesLimit?: number; OutputConfig?: { S3Bucket: string } },
  ) => (await rekognition(p).send(new CreateFaceLivenessSessionCommand({ ...(Settings && { Settings }) }))).SessionId!;
  const page = async (
    p: Served,
    id: string,
    action: 'frames' | 'complete',
    from: string,
    body: object = {},
    device?: string,
  ) => {
    const res = await fetch(`${p.url}/liveness/sessions/${id}/${action}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': from,
        ...(device && { 'x-facegate-device': device }),
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    const log = res.status >= 500 ? `\n--- ${p.name} log ---\n${p.output().slice(-4000)}` : '';
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as any, text: text + log };
  };
  const postFrame = (p: Served, id: string, bytes: Buffer, from: string, device?: string) =>
    page(p, id, 'frames', from, { image: bytes.toString('base64') }, device);

  test('a liveness session created through A takes frames through both, is completed through B and read through A; a second use is refused', async () => {
    const client = '198.51.100.20';
    const id = await createSession(a, { AuditImagesLimit: 1, OutputConfig: { S3Bucket: 'live-out' } });
    const mirrored = await sharp(turned).flop().jpeg({ quality: 90 }).toBuffer();
    // Behind a load balancer each frame may reach another process: the challenge's progress spans them all.
    const progress = [];
    for (const [p, bytes] of [
      [b, frontal],
      [a, turned],
      [b, mirrored],
    ] as const) {
      const r = await postFrame(p, id, bytes, client);
      assert.equal(r.status, 200, r.text);
      progress.push(r.json.challenge);
    }
    assert.deepEqual(progress.at(-1), { frontal: true, left: true, right: true });
    assert.equal(
      (await rekognition(a).send(new GetFaceLivenessSessionResultsCommand({ SessionId: id }))).Status,
      'IN_PROGRESS',
    );
    const done = await page(b, id, 'complete', client);
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.status, 'SUCCEEDED');
    const r = await rekognition(a).send(new GetFaceLivenessSessionResultsCommand({ SessionId: id }));
    assert.equal(r.Status, 'SUCCEEDED');
    assert.deepEqual(r.ReferenceImage?.S3Object, { Bucket: 'live-out', Name: `${id}/reference.jpg` });
    assert.equal(r.AuditImages?.length, 1);
    // In the one object store: the images where the results say, no frame left behind.
    const store = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      for (const name of [r.ReferenceImage!.S3Object!.Name!, r.AuditImages![0]!.S3Object!.Name!])
        assert.ok(
          (await store.send(new HeadObjectCommand({ Bucket: 'facegate', Key: `live-out/${name}` }))).ContentLength,
        );
      const left = await store.send(new ListObjectsCommand({ Bucket: 'facegate', Prefix: `liveness/sessions/${id}/` }));
      assert.deepEqual(left.Contents ?? [], []);
    } finally {
      store.destroy();
    }
    for (const p of [a, b]) {
      const again = await page(p, id, 'complete', client);
      assert.equal(again.status, 409, `${p.name}: ${again.text}`);
      assert.equal(again.json.code, 'LIVENESS_SESSION_ENDED');
      assert.equal((await postFrame(p, id, frontal, client)).status, 409, p.name);
    }
  });

  test('two completions of one session racing through A and B: exactly one wins', async () => {
    const client = '198.51.100.21';
    for (let round = 0; round < 3; round++) {
      const id = await createSession(b);
      assert.equal((await postFrame(a, id, frontal, client)).status, 200);
      const outcomes = await Promise.all([page(a, id, 'complete', client), page(b, id, 'complete', client)]);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), [200, 409], outcomes.map((o) => o.text).join(' | '));
      assert.equal(
        (await rekognition(a).send(new GetFaceLivenessSessionResultsCommand({ SessionId: id }))).Status,
        'FAILED',
      );
    }
  });

  test('5 failed sessions through either process lock the client out of both, whatever device id it sends', async () => {
    const attacker = '198.51.100.66';
    for (let i = 0; i < 5; i++) {
      const [creator, poster] = i % 2 ? [a, b] : [b, a];
      const id = await createSession(creator);
      assert.equal((await postFrame(poster, id, frontal, attacker, `device-rotating-${i}`)).status, 200);
      const done = await page(creator, id, 'complete', attacker, {}, `device-rotating-${i}`);
      assert.equal(done.json.status, 'FAILED', done.text);
    }
    for (const p of [a, b]) {
      const id = await createSession(p);
      const locked = await postFrame(p, id, frontal, attacker, `device-new-${p.name}`);
      assert.equal(locked.status, 429, `${p.name}: ${locked.text}`);
      assert.equal(locked.json.code, 'LIVENESS_DEVICE_LOCKED');
      assert.equal((await postFrame(p, id, frontal, '198.51.100.67')).status, 200, 'another client is not locked');
    }
  });

  test('a pipeline upload through an API process is processed once, by the worker; each event is delivered once', async () => {
    const sub = await rest(a, 'POST', '/subscriptions', { channel: 'webhook', target: hookUrl });
    assert.equal(sub.status, 201, sub.text);
    worker = await procs.serve('worker-1', 'worker');
    const up = await rest(a, 'POST', '/pipelines/default/uploads?userId=u1', image('photo1.jpeg'));
    assert.equal(up.status, 202, up.text);
    const done = await finished(b, up.json.runId);
    assert.equal(done.state, 'succeeded', JSON.stringify(done));
    assert.ok(done.steps.length > 0);
    for (const s of done.steps) assert.equal(s.state, 'succeeded', JSON.stringify(s));
    const runs = (await rest(b, 'GET', '/runs?pipeline=default')).json.runs as { runId: string }[];
    assert.equal(runs.filter((r) => r.runId === up.json.runId).length, 1);
    const types = done.events.map((e) => e.type);
    assert.equal(types.filter((t) => t === 'pipeline.succeeded').length, 1, types.join());
    await waitFor('every event of the run to be delivered', async () =>
      done.events.every((e) => deliveries.has(e.id)) ? true : undefined,
    );
    for (const e of done.events) assert.equal(deliveries.get(e.id), 1, `${e.type} ${e.id}`);
  });

  test('a worker killed with SIGKILL mid-job is retried by a second worker; every run completes once', async () => {
    // Queue several uploads (people other than the first upload's, which the duplicate check would refuse), then kill
    // the worker as soon as pg-boss shows one of its jobs active.
    const photos = ['dani_2_640.jpg', 'grace_hopper_512x512.jpg', 'identity.jpg'];
    const runIds: string[] = [];
    for (const p of photos) {
      const up = await rest(a, 'POST', '/pipelines/default/uploads', image(p));
      assert.equal(up.status, 202, up.text);
      runIds.push(up.json.runId as string);
    }
    // Freeze the worker (SIGSTOP) until pg-boss shows one of its pipeline step jobs active, then SIGKILL it while
    // frozen: the kill then lands mid-step for certain. Not while a webhook delivery is active: a delivery in flight
    // at a crash is sent again by the next worker (at-least-once; receivers dedupe on X-Facegate-Event-Id), and this
    // test counts deliveries.
    const activeJobs = async (name: string) =>
      Number(
        (
          await pg.pool.query(
            `SELECT count(*)::int AS n FROM "${pg.schema}_jobs".job WHERE state = 'active' AND name = $1`,
            [name],
          )
        ).rows[0].n,
      );
    await waitFor(
      'the worker frozen with a step active and no delivery in flight',
      async () => {
        worker.child.kill('SIGSTOP');
        if ((await activeJobs('pipeline.step')) > 0 && (await activeJobs('notify.deliver')) === 0) return true;
        worker.child.kill('SIGCONT');
        return undefined;
      },
      30_000,
    );
    await procs.kill9(worker);
    const jobs = `"${pg.schema}_jobs".job`;
    const orphaned = (
      await pg.pool.query(`SELECT id FROM ${jobs} WHERE state = 'active' AND name = 'pipeline.step'`)
    ).rows.map((r: { id: string }) => r.id);
    assert.ok(orphaned.length > 0, 'the killed worker left a step active');
    const second = await procs.serve('worker-2', 'worker');
    assert.ok(second.child.pid);
    for (const id of runIds) {
      const r = await finished(b, id, 120_000);
      assert.equal(r.state, 'succeeded', JSON.stringify(r));
      const types = r.events.map((e) => e.type);
      assert.equal(types.filter((t) => t === 'pipeline.succeeded').length, 1, types.join());
      assert.equal(types.filter((t) => t === 'pipeline.started').length, 1, types.join());
      await waitFor(`events of ${id} delivered`, async () =>
        r.events.every((e) => deliveries.has(e.id)) ? true : undefined,
      );
      for (const e of r.events) assert.equal(deliveries.get(e.id), 1, `${e.type} ${e.id} of ${id}`);
    }
    // The killed worker's step jobs expire after their lease and are run again by the second worker (a step whose
    // effect was already recorded is not repeated: see the face count below).
    await waitFor(
      'the orphaned step jobs to be retried and completed',
      async () => {
        const { rows } = await pg.pool.query(`SELECT state, retry_count FROM ${jobs} WHERE id = ANY($1::uuid[])`, [
          orphaned,
        ]);
        return rows.length === orphaned.length &&
          rows.every((j: { state: string; retry_count: number }) => j.state === 'completed' && j.retry_count >= 1)
          ? true
          : undefined;
      },
      60_000,
    );
    // Exactly once also in its effect: one face in the pipeline's collection per succeeded run, none twice.
    const listed = await rekognition(a).send(new ListFacesCommand({ CollectionId: 'pipeline', MaxResults: 100 }));
    const users = (listed.Faces ?? []).map((f) => f.ExternalImageId).sort();
    assert.equal(users.length, 1 + runIds.length, JSON.stringify(users));
  });
});
