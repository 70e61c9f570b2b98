// On FACEGATE_DATABASE_URL the vector index is shared by every process through Postgres (pgvector, or the in-memory
// index kept in step where pgvector is missing, as on the machine's Postgres): a face indexed through one running
// process is found through another that was already running, without a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeImage } from '../collections/fake.engine.ts';
import { openRegistrationStack } from '../apps/registration.stack.ts';
import { freshPgSchema } from '../helpers/services.ts';

test('a person registered through one process is identified through another already running, and gone after delete', async () => {
  const pg = await freshPgSchema('shared');
  const dirs = [await mkdtemp(join(tmpdir(), 'fg-sv-a-')), await mkdtemp(join(tmpdir(), 'fg-sv-b-'))];
  const a = await openRegistrationStack(dirs[0]!, pg);
  const b = await openRegistrationStack(dirs[1]!, pg);
  try {
    assert.equal(b.collections.vectorStatus().driver, 'memory-synced');
    const bea = await a.verify.register({ name: 'Bea' }, [fakeImage([{ person: 'bea', variant: 1, px: 300 }])]);
    const found = await b.verify.identify(fakeImage([{ person: 'bea', variant: 2, px: 300 }]));
    assert.deepEqual(
      found.matches.map((m) => m.person.personId),
      [bea.personId],
    );
    await b.verify.delete(bea.personId);
    assert.equal(await a.collections.vectors.size('people'), 0);
  } finally {
    await a.close();
    await b.close();
    await pg.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
});
