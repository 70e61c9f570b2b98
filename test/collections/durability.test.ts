// The store never loses an acknowledged face: a writer killed with SIGKILL mid-stream, then a reopen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openCollections } from '../../src/collections/collection.factory.ts';
import type { SqliteMetadataStore } from '../../src/collections/sqlite.metadata.driver.ts';
import { FakeEngine, fakeImage } from './fake.engine.ts';

const CHILD = fileURLToPath(new URL('./durability.child.ts', import.meta.url));
const config = (dataDir: string) => ({
  dataDir,
  collections: { synchronous: 'FULL' as const, vectorFormat: 'int8' as const },
});

/** Runs the writer until it has acknowledged `count` calls, then SIGKILLs it. Returns the acknowledged face ids. */
async function killWriterAfter(dataDir: string, count: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FACEGATE_LOG_LEVEL: 'silent' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const acked: string[] = [];
  let lines = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const { faceIds } = JSON.parse(line) as { faceIds: string[] };
    acked.push(...faceIds);
    if (++lines === count) {
      child.kill('SIGKILL');
      break;
    }
  }
  const how = await exited;
  assert.equal(lines, count, `the writer stopped early (${String(how)}): ${stderr}`);
  assert.equal(how, 'SIGKILL');
  return acked;
}

test(
  'every face acknowledged before a SIGKILL is present and whole after reopening',
  { timeout: 120_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'facegate-durable-'));
    try {
      const acked = await killWriterAfter(dir, 40);
      const ackedAgain = await killWriterAfter(dir, 25); // a second crash on a database that was itself recovered
      const all = [...acked, ...ackedAgain];

      const opened = await openCollections({ config: config(dir), engine: new FakeEngine() });
      try {
        const db = (opened.metadata as SqliteMetadataStore).db;
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        const rows = await opened.metadata.getFaces('d', all);
        assert.equal(rows.length, all.length, 'no acknowledged face is missing');
        for (const r of rows) {
          assert.equal(r.descriptor.length, 64);
          assert.ok(Math.abs(Math.hypot(...r.descriptor) - 1) < 1e-5, 'the descriptor decodes to a unit vector');
        }
        // Nothing half-written: each IndexFaces call stored all of its faces or none ("n3-…" → 3 faces).
        const groups = db
          .prepare('SELECT image_id, MIN(external_image_id) AS ext, COUNT(*) AS n FROM faces GROUP BY image_id')
          .all() as { ext: string; n: number }[];
        assert.ok(groups.length >= 65, 'every acknowledged call is there');
        for (const g of groups) assert.equal(g.n, Number(g.ext.slice(1, g.ext.indexOf('-'))), g.ext);
        // The rebuilt index holds exactly the stored faces, and each finds itself first.
        const total = (await opened.service.describeCollection('d')).faceCount;
        assert.equal(await opened.vectors.size('d'), total);
        for (const r of rows.slice(0, 30)) {
          assert.equal((await opened.vectors.search('d', r.descriptor, 1))[0]?.id, r.id);
        }
      } finally {
        await opened.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test('a clean restart keeps collections, faces, users, search results and pagination tokens', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'facegate-restart-'));
  try {
    const first = await openCollections({ config: config(dir), engine: new FakeEngine() });
    await first.service.createCollection({ collectionId: 'r' });
    const indexed = await first.service.indexFaces({
      collectionId: 'r',
      image: { bytes: fakeImage([{ person: 'ann', variant: 1 }, { person: 'ann', variant: 2 }, { person: 'bob' }]) },
    });
    await first.service.createUser({ collectionId: 'r', userId: 'ann' });
    const [a1, a2] = indexed.faceRecords.map((f) => f.face.faceId) as [string, string];
    await first.service.associateFaces({ collectionId: 'r', userId: 'ann', faceIds: [a1] });
    const before = await first.service.searchFaces({ collectionId: 'r', faceId: a2 });
    const page = await first.service.listFaces({ collectionId: 'r', maxResults: 1 });
    await first.close();

    const second = await openCollections({ config: config(dir), engine: new FakeEngine() });
    try {
      const d = await second.service.describeCollection('r');
      assert.equal(d.faceCount, 3);
      assert.equal(d.userCount, 1);
      assert.deepEqual(await second.service.searchFaces({ collectionId: 'r', faceId: a2 }), before);
      const next = await second.service.listFaces({ collectionId: 'r', maxResults: 5, nextToken: page.nextToken! });
      assert.equal(next.faces.length, 2, 'a token issued before the restart still works');
      const users = await second.service.searchUsers({ collectionId: 'r', faceId: a2 });
      assert.deepEqual(
        users.userMatches.map((m) => m.user.userId),
        ['ann'],
      );
    } finally {
      await second.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
