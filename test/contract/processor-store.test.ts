// The ProcessorStore contract on SQLite (in memory) and Postgres (a fresh schema per test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { pgProcessorStore } from '../../src/streams/processors/processor.pg.ts';
import { sqliteProcessorStore } from '../../src/streams/processors/processor.sqlite.ts';
import type { ProcessorStore, StreamProcessorRecord } from '../../src/streams/processors/processor.types.ts';
import { freshPgSchema } from '../helpers/services.ts';

const record = (name: string): StreamProcessorRecord => ({
  name,
  arn: `arn:aws:rekognition:local:000000000000:streamprocessor/${name}`,
  status: 'STOPPED',
  statusMessage: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
  inputArn: 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/front/1',
  cameraId: 'front',
  outputArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/out',
  target: 'out',
  roleArn: 'arn:aws:iam::123456789012:role/r',
  collectionId: 'door',
  faceMatchThreshold: 80,
  regionsOfInterest: null,
  dataSharingOptIn: null,
  notificationTopicArn: null,
  kmsKeyId: null,
  tags: { team: 'door' },
  sessionId: null,
});

function contract(driver: string, open: () => Promise<{ store: ProcessorStore; close(): Promise<void> }>) {
  test(`${driver}: processors are created once, updated, listed by name in pages and deleted`, async () => {
    const { store, close } = await open();
    try {
      assert.equal(await store.create(record('b')), true);
      assert.equal(await store.create(record('a')), true);
      assert.equal(await store.create(record('a')), false);
      await store.put({
        ...record('a'),
        status: 'RUNNING',
        sessionId: 's1',
        updatedAt: new Date('2026-01-02T00:00:00Z'),
      });
      const a = await store.get('a');
      assert.equal(a?.status, 'RUNNING');
      assert.equal(a?.updatedAt.toISOString(), '2026-01-02T00:00:00.000Z');
      assert.deepEqual(a?.tags, { team: 'door' });
      assert.deepEqual(
        (await store.list(undefined, 1)).map((p) => p.name),
        ['a'],
      );
      assert.deepEqual(
        (await store.list('a', 10)).map((p) => p.name),
        ['b'],
      );
      assert.equal(await store.delete('a'), true);
      assert.equal(await store.get('a'), undefined);
    } finally {
      await close();
    }
  });
}

contract('sqlite', async () => {
  const db = new Database(':memory:');
  return { store: sqliteProcessorStore(db), close: async () => void db.close() };
});

contract('postgres', async () => {
  const pg = await freshPgSchema('processors');
  try {
    return { store: await pgProcessorStore(pg.pool, pg.schema), close: () => pg.close() };
  } catch (e) {
    await pg.close();
    throw e;
  }
});
