// `facegate migrate --to postgres` on a real embedded deployment, end to end: a data directory built through the
// real server (the real engine, encryption at rest on) — a person with two photos, a pipeline upload — is migrated
// into a Postgres schema and an S3 server (s3rver): rows and objects, verified by counts and checksums. A copy
// interrupted part way is resumed (objects already there are skipped), `--check` reports objects missing or changed
// in S3, and a Postgres + S3 deployment (an API process and a worker sharing the migrated data directory, which holds
// the keyring) serves the photos back byte for byte, identifies the person and reads the upload.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { protectObjects } from '../../src/governance/crypto/crypto.factory.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { compareObjects, copyObjects } from '../../src/storage/object.copy.ts';
import { S3ObjectStore } from '../../src/storage/s3.object-store.driver.ts';
import { startS3Server, type S3Server } from '../helpers/s3.server.ts';
import { freshPgSchema } from '../helpers/services.ts';
import { ProcessSet, waitFor, type Served } from './process.harness.ts';

const image = (name: string) => readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url));
const MASTER_KEY = randomBytes(32).toString('base64');

interface Report {
  tables: { table: string; same: boolean; pgRows: number }[];
  objects: {
    bucket: string;
    localObjects: number;
    targetObjects: number;
    same: boolean;
    differing: string[];
    copied?: number;
    skipped?: number;
  }[];
}

describe('an embedded data directory moved to Postgres and S3', { timeout: 420_000 }, () => {
  let pg: Awaited<ReturnType<typeof freshPgSchema>>;
  let s3: S3Server;
  let procs: ProcessSet;
  let dataDir: string;
  let apiKey: string;
  let scaled: Record<string, string>;
  let target: S3ObjectStore;
  let local: LocalObjectStore;
  const before_: { personId: string; photos: { url: string; thumbnailUrl: string; bytes: Buffer; thumb: Buffer }[] } = {
    personId: '',
    photos: [],
  };
  let uploadRun = '';

  const rest = async (p: Served, method: string, path: string, body?: Buffer | object) => {
    const raw = Buffer.isBuffer(body);
    const res = await fetch(`${p.url}${path.startsWith('/v1') ? '' : '/v1'}${path}`, {
      method,
      headers: {
        'x-api-key': apiKey,
        ...(body !== undefined && { 'content-type': raw ? 'image/jpeg' : 'application/json' }),
      },
      ...(body !== undefined && { body: raw ? new Uint8Array(body) : JSON.stringify(body) }),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const json = (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(bytes.toString()) : undefined;
    const log = res.status >= 500 ? `\n--- ${p.name} log ---\n${p.output().slice(-4000)}` : '';
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
    return { status: res.status, json: json as any, bytes, text: bytes.toString().slice(0, 2000) + log };
  };
  const migrate = async (...args: string[]) => {
    const r = await procs.exec(['migrate', '--to', 'postgres', '--json', ...args], { dataDir, env: scaled });
    if (!r.stdout.trim()) throw new Error(`migrate ${args.join(' ')} printed no report (${r.status}): ${r.stderr}`);
    return { ...r, report: JSON.parse(r.stdout) as Report };
  };

  before(async () => {
    pg = await freshPgSchema('migobj');
    s3 = await startS3Server(['facegate']);
    procs = new ProcessSet({
      FACEGATE_MASTER_KEY: MASTER_KEY,
      FACEGATE_S3_PORT: '0',
      FACEGATE_ACCESS_KEY_ID: 'AKIDMIGRATE000000001',
      FACEGATE_SECRET_ACCESS_KEY: 'migrate-secret-0123456789abcdef',
    });
    scaled = {
      FACEGATE_DATABASE_URL: pg.url,
      FACEGATE_DATABASE_SCHEMA: pg.schema,
      FACEGATE_DATABASE_POOL_SIZE: '4',
      FACEGATE_S3_BUCKET: 'facegate',
      FACEGATE_S3_ENDPOINT: s3.endpoint,
      FACEGATE_S3_FORCE_PATH_STYLE: 'true',
      FACEGATE_S3_ACCESS_KEY_ID: s3.accessKeyId,
      FACEGATE_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    };
    target = new S3ObjectStore({
      endpoint: s3.endpoint,
      bucket: 'facegate',
      region: 'us-east-1',
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
    });
    dataDir = procs.dataDir('embedded');
    local = new LocalObjectStore(join(dataDir, 'objects'));
    apiKey = (
      JSON.parse(procs.run(['keys', 'create', '--name', 'mig', '--admin', '--json'], { dataDir })) as {
        key: string;
      }
    ).key;
  });

  after(async () => {
    await procs?.stopAll();
    target?.close();
    await s3?.stop();
    await pg?.close();
  });

  test('the embedded server builds the data directory: a person with two photos and a pipeline upload', async () => {
    const embedded = await procs.serve('embedded', 'all', {}, dataDir);
    const photos = [image('dani_640.jpg'), image('dani_1_640.jpg')].map((b) => b.toString('base64'));
    const reg = await rest(embedded, 'POST', '/people', { name: 'Dani', photos });
    assert.equal(reg.status, 201, reg.text);
    before_.personId = reg.json.personId;
    for (const p of reg.json.photos as { url: string; thumbnailUrl: string }[]) {
      const bytes = (await rest(embedded, 'GET', p.url)).bytes;
      const thumb = (await rest(embedded, 'GET', p.thumbnailUrl)).bytes;
      before_.photos.push({ ...p, bytes, thumb });
    }
    assert.equal(before_.photos.length, 2);
    const up = await rest(
      embedded,
      'POST',
      '/pipelines/default/uploads?userId=grace',
      image('grace_hopper_512x512.jpg'),
    );
    assert.equal(up.status, 202, up.text);
    uploadRun = up.json.runId;
    const done = await waitFor('the upload run to finish', async () => {
      const r = (await rest(embedded, 'GET', `/runs/${uploadRun}`)).json as { state: string };
      return r.state === 'succeeded' || r.state === 'failed' ? r : undefined;
    });
    assert.equal(done.state, 'succeeded', JSON.stringify(done));
    await procs.stop(embedded);
    // Encryption at rest: what the directory holds is ciphertext.
    const buckets = await local.buckets();
    assert.ok(buckets.length >= 2, buckets.join());
    const first = (await local.list(buckets[0]!)).objects[0]!;
    assert.equal(Buffer.from((await local.get(first.bucket, first.key))!.body.subarray(0, 4)).toString(), 'FGE1');
  });

  test('an interrupted object copy is reported by --check and resumed by a second run', async () => {
    let n = 0;
    await assert.rejects(
      copyObjects(local, target, {
        onObject: () => {
          if (++n >= 2) throw new Error('interrupted');
        },
      }),
      /interrupted/,
    );
    const partial = await compareObjects(local, target);
    const inS3 = partial.reduce((s, b) => s + b.targetObjects, 0);
    const total = partial.reduce((s, b) => s + b.localObjects, 0);
    assert.ok(inS3 >= 2 && inS3 < total, `${inS3} of ${total} copied before the interruption`);

    const check = await migrate('--check');
    assert.equal(check.status, 1, check.stderr);
    // Every bucket with objects still to copy is reported, naming them; the tables are not there yet either.
    for (const b of check.report.objects) assert.equal(b.same, b.differing.length === 0, JSON.stringify(b));
    assert.ok(check.report.objects.some((b) => !b.same));
    assert.ok(check.report.tables.some((t) => !t.same));

    const resumed = await migrate();
    assert.equal(resumed.status, 0, resumed.stderr + resumed.stdout);
    const sum = (k: 'copied' | 'skipped') => resumed.report.objects.reduce((n, b) => n + (b[k] ?? 0), 0);
    assert.deepEqual([sum('copied'), sum('skipped')], [total - inS3, inS3]);
    assert.ok(resumed.report.tables.every((t) => t.same));
    assert.ok(resumed.report.objects.every((b) => b.same && b.localObjects === b.targetObjects));
    assert.equal(resumed.report.tables.find((t) => t.table === 'person_photos')?.pgRows, 2);
  });

  test('--check reports an object changed or removed in S3, and a rerun repairs both', async () => {
    const bucket = (await local.buckets())[0]!;
    const [a, b] = (await target.list(bucket)).objects;
    await target.put(bucket, a!.key, new Uint8Array(Buffer.from('not the photo')));
    await target.delete(bucket, b!.key);
    const check = await migrate('--check');
    assert.equal(check.status, 1);
    const report = check.report.objects.find((r) => r.bucket === bucket)!;
    assert.equal(report.same, false);
    assert.deepEqual([...report.differing].sort(), [a!.key, b!.key].sort());
    const repaired = await migrate();
    assert.equal(repaired.status, 0, repaired.stderr);
    assert.equal(repaired.report.objects.find((r) => r.bucket === bucket)?.copied, 2);
    assert.ok(repaired.report.objects.every((r) => r.same));
  });

  test('a Postgres + S3 deployment on the migrated directory serves the photos, identifies, reads the upload', async () => {
    // No data-directory lock on Postgres + S3: both processes share the directory (and its keyring).
    const [api, worker] = await Promise.all([
      procs.serve('api', 'api', scaled, dataDir),
      procs.serve('worker', 'worker', scaled, dataDir),
    ]);
    assert.ok(worker.url);
    for (const p of before_.photos) {
      const got = await rest(api, 'GET', p.url);
      assert.equal(got.status, 200, got.text);
      assert.ok(got.bytes.equals(p.bytes), 'the photo reads back byte for byte');
      assert.ok((await rest(api, 'GET', p.thumbnailUrl)).bytes.equals(p.thumb));
    }
    const seen = await rest(api, 'POST', '/identify', image('dani_2_640.jpg'));
    assert.equal(seen.status, 200, seen.text);
    assert.deepEqual(
      seen.json.matches.map((m: { person: { personId: string } }) => m.person.personId),
      [before_.personId],
    );
    const run = await rest(api, 'GET', `/runs/${uploadRun}`);
    assert.equal(run.json.state, 'succeeded');
    // The upload, as the deployment stores it: ciphertext in S3, the original through the deployment's keyring.
    const { rows } = await pg.pool.query<{ bucket: string; object_key: string }>(
      `SELECT bucket, object_key FROM "${pg.schema}".pipeline_records WHERE run_id = $1`,
      [uploadRun],
    );
    const { bucket, object_key: key } = rows[0]!;
    assert.equal(Buffer.from((await target.get(bucket, key))!.body.subarray(0, 4)).toString(), 'FGE1');
    const decrypting = protectObjects(loadConfig({ FACEGATE_MASTER_KEY: MASTER_KEY }), dataDir, target);
    assert.ok(Buffer.from((await decrypting.get(bucket, key))!.body).equals(image('grace_hopper_512x512.jpg')));
  });
});
