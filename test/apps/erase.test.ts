// Deleting a person leaves no recoverable trace: after the delete and a clean stop, no file of the data directory
// (database, WAL, objects) holds their name, e-mail, phone or face descriptors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeImage } from '../collections/fake.engine.ts';
import { openRegistrationStack } from './registration.stack.ts';
import { filesUnder } from '../helpers/files.helper.ts';

const files = filesUnder;

/** Files of `dir` containing `needle`. */
async function holding(dir: string, needle: Buffer): Promise<string[]> {
  const out: string[] = [];
  for (const f of await files(dir)) if ((await readFile(f)).includes(needle)) out.push(f);
  return out;
}

test('a deleted person leaves no name, e-mail, phone or descriptor in any file of the data directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'facegate-erase-'));
  try {
    const s = await openRegistrationStack(dir);
    const keep = await s.verify.register({ name: 'Keeper Person', email: 'keep@example.com' }, [
      fakeImage([{ person: 'keeper', px: 300 }]),
    ]);
    const gone = await s.verify.register(
      { name: 'Zelda Quixotic', email: 'zelda.q@example.org', phone: '+15550199887', fields: { badge: 'B-77123' } },
      [
        fakeImage([{ person: 'zelda-q', variant: 1, px: 300 }]),
        fakeImage([{ person: 'zelda-q', variant: 2, px: 300 }]),
      ],
    );
    const faces = await s.collections.metadata.getFaces(
      'people',
      gone.photos.map((p) => p.faceId),
    );
    assert.equal(faces.length, 2);
    // A 16-byte run of each descriptor is as good as the whole for recognising it on disk.
    const descriptors = faces.map((f) => Buffer.from(f.descriptor.buffer, f.descriptor.byteOffset, 16));
    const values = ['Zelda Quixotic', 'zelda.q@example.org', '+15550199887', 'B-77123', 'zelda-q'].map((v) =>
      Buffer.from(v),
    );
    assert.ok((await holding(dir, values[0]!)).length > 0, 'the scan finds the values while the person exists');

    await s.verify.delete(gone.personId);
    // Already while running: the delete's transaction checkpointed the WAL away.
    assert.deepEqual(await holding(dir, values[0]!), [], 'no file holds the name right after the delete');
    await s.close();

    for (const needle of [...values, ...descriptors]) {
      assert.deepEqual(await holding(dir, needle), [], `no file holds ${JSON.stringify(needle.toString('hex'))}`);
    }
    assert.ok((await holding(dir, Buffer.from('Keeper Person'))).length > 0, 'the other person is still there');

    // Owner-only: the database and its directory.
    assert.equal((await stat(dir)).mode & 0o077, 0, 'data directory is owner-only');
    for (const f of await files(dir)) {
      if (f.includes('facegate.db')) assert.equal((await stat(f)).mode & 0o077, 0, `${f} is owner-only`);
    }
    const again = await openRegistrationStack(dir);
    assert.equal((await again.verify.get(keep.personId)).name, 'Keeper Person');
    await again.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
