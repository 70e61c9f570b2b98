// FACEGATE_DATABASE_URL puts the collections, people, proctor candidates and API keys on Postgres: a registration is
// one Postgres transaction, and a second process on the same database sees every row (its index rebuilt from it).
import { test } from 'node:test';
import { ListFacesCommand } from '@aws-sdk/client-rekognition';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeImage } from '../collections/fake.engine.ts';
import { openRegistrationStack } from '../apps/registration.stack.ts';
import { startServer } from '../api/rekognition/rekognition.harness.ts';
import { scene, stubEngine } from '../api/rekognition/stub.engine.ts';
import { freshPgSchema } from '../helpers/services.ts';

test('registrations on Postgres are atomic and visible to a second process on the same database', async () => {
  const pg = await freshPgSchema('deploy');
  const dirs = [await mkdtemp(join(tmpdir(), 'fg-pg-a-')), await mkdtemp(join(tmpdir(), 'fg-pg-b-'))];
  try {
    const a = await openRegistrationStack(dirs[0]!, pg);
    const ann = await a.verify.register({ name: 'Ann', email: 'ann@example.com' }, [
      fakeImage([{ person: 'ann', variant: 1, px: 300 }]),
    ]);
    // A registration whose second photo has no face leaves nothing, on Postgres too.
    await assert.rejects(a.verify.register({ name: 'Nobody' }, [fakeImage([{ person: 'x', px: 300 }]), fakeImage([])]));
    const q = (sql: string) => pg.pool.query(sql.replaceAll('S.', `"${pg.schema}".`));
    assert.equal((await q('SELECT COUNT(*)::int AS n FROM S.people')).rows[0].n, 1);
    assert.equal((await q('SELECT COUNT(*)::int AS n FROM S.faces')).rows[0].n, 1);

    const b = await openRegistrationStack(dirs[1]!, pg);
    const found = await b.verify.identify(fakeImage([{ person: 'ann', variant: 2, px: 300 }]));
    assert.deepEqual(
      found.matches.map((m) => m.person.personId),
      [ann.personId],
    );
    await b.verify.delete(ann.personId);
    assert.equal((await q('SELECT COUNT(*)::int AS n FROM S.faces')).rows[0].n, 0);
    assert.equal((await q('SELECT COUNT(*)::int AS n FROM S.person_photos')).rows[0].n, 0);
    await a.close();
    await b.close();
  } finally {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    await pg.close();
  }
});

test('the server on FACEGATE_DATABASE_URL keeps keys, collections and candidates in Postgres', async () => {
  const pg = await freshPgSchema('deploy');
  const env = { FACEGATE_DATABASE_URL: pg.url, FACEGATE_DATABASE_SCHEMA: pg.schema };
  try {
    const first = await startServer({ overrides: { engine: stubEngine } }, env);
    const { key } = await (await first.container.get('restKeys')).create({ name: 'ops' });
    const proctor = (await first.container.get('apps')).proctor;
    await proctor.indexCandidate(scene(1), 'Ana Silva');
    await first.close();

    const second = await startServer({ overrides: { engine: stubEngine } }, env);
    try {
      const keys = await second.container.get('restKeys');
      assert.equal((await keys.authenticate(key)).name, 'ops');
      const r = await second.client().send(new ListFacesCommand({ CollectionId: 'proctor' }));
      assert.equal(r.Faces?.length, 1);
      const q = `SELECT full_name FROM "${pg.schema}".proctor_candidates`;
      assert.deepEqual(
        (await pg.pool.query(q)).rows.map((x: { full_name: string }) => x.full_name),
        ['Ana Silva'],
      );
    } finally {
      await second.close();
    }
  } finally {
    await pg.close();
  }
});
