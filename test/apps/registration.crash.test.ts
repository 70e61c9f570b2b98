// A registration is atomic: a process killed with SIGKILL in the middle of registering people leaves, after a
// restart, only whole people (row, photo rows, faces) — no face without its person, no person without their faces —
// and the photos no row refers to are swept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fakeImage } from '../collections/fake.engine.ts';
import { openRegistrationStack } from './registration.stack.ts';
import { filesUnder } from '../helpers/files.helper.ts';

const CHILD = fileURLToPath(new URL('./registration.child.ts', import.meta.url));

/** Runs the registering child until `count` acknowledgements, then SIGKILLs it. Returns the acknowledged people. */
async function killAfter(dataDir: string, count: number): Promise<string[]> {
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
  for await (const line of createInterface({ input: child.stdout })) {
    acked.push((JSON.parse(line) as { personId: string }).personId);
    if (acked.length === count) {
      child.kill('SIGKILL');
      break;
    }
  }
  const how = await exited;
  assert.equal(acked.length, count, `the child stopped early (${String(how)}): ${stderr}`);
  assert.equal(how, 'SIGKILL');
  return acked;
}

test('people registered by a process killed mid-registration are whole or absent', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'facegate-register-'));
  try {
    const acked: string[] = [];
    for (const n of [7, 5, 9, 4, 6]) acked.push(...(await killAfter(dir, n)));

    const s = await openRegistrationStack(dir);
    try {
      const { db } = s.database;
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const faces = db
        .prepare(`SELECT id, external_image_id AS ext FROM faces WHERE collection_id = 'people'`)
        .all() as {
        id: string;
        ext: string;
      }[];
      const photos = db.prepare('SELECT person_id, face_id FROM person_photos').all() as {
        person_id: string;
        face_id: string;
      }[];
      const people = new Set(
        (db.prepare('SELECT person_id FROM people').all() as { person_id: string }[]).map((r) => r.person_id),
      );
      for (const id of acked) assert.ok(people.has(id), `acknowledged person ${id} survived`);
      const photoFaces = new Set(photos.map((p) => p.face_id));
      for (const f of faces) {
        assert.ok(people.has(f.ext), `face ${f.id} has its person ${f.ext}`);
        assert.ok(photoFaces.has(f.id), `face ${f.id} has its photo row`);
      }
      const faceIds = new Set(faces.map((f) => f.id));
      for (const p of photos) assert.ok(faceIds.has(p.face_id), `photo of ${p.person_id} has its face`);
      for (const id of people) {
        assert.equal(photos.filter((p) => p.person_id === id).length, 2, `person ${id} has both photos`);
      }

      // What search finds can be deleted: no face of a person that does not exist.
      const someone = acked[3]!;
      const r = await s.collections.service.searchFacesByImage({
        collectionId: 'people',
        image: { bytes: fakeImage([{ person: (await s.verify.get(someone)).name, variant: 1, px: 300 }]) },
        maxFaces: 10,
      });
      assert.ok(r.faceMatches.length >= 1);
      for (const id of new Set(r.faceMatches.map((m) => m.face.externalImageId!))) await s.verify.delete(id);
      assert.equal(await s.collections.vectors.size('people'), faces.length - r.faceMatches.length);

      // Objects: the sweep leaves exactly the referenced photos and thumbnails; no temporary file survives.
      await s.objects.removeTemporaryFiles(0);
      await s.verify.sweepObjects(new Date(Date.now() + 1000));
      const listed = (await s.objects.list('people', { limit: 1000 })).objects.map((o) => o.key).sort();
      const rows = db.prepare('SELECT object_key, thumbnail_key FROM person_photos').all() as {
        object_key: string;
        thumbnail_key: string;
      }[];
      assert.deepEqual(listed, rows.flatMap((x) => [x.object_key, x.thumbnail_key]).sort());
      const tmp = (await filesUnder(join(dir, 'objects'))).filter((f) => f.includes('#tmp-'));
      assert.deepEqual(tmp, []);
    } finally {
      await s.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
