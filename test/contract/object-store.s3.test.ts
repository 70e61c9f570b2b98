// The ObjectStore contract on the S3 driver against a real S3 protocol server (s3rver), plus the mapping of
// Facegate's buckets onto key prefixes of the one configured bucket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { decodeKey, encodeKey, S3ObjectStore } from '../../src/storage/s3.object-store.driver.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startS3Server } from '../helpers/s3.server.ts';
import { objectStoreContract } from './object-store.contract.ts';

objectStoreContract('S3 (s3rver)', async () => {
  const server = await startS3Server();
  const store = await S3ObjectStore.open({
    endpoint: server.endpoint,
    bucket: 'facegate-data',
    region: 'us-east-1',
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    forcePathStyle: true,
  });
  return {
    store,
    cleanup: async () => {
      store.close();
      await server.stop();
    },
  };
});

test('S3 store: Facegate buckets are prefixes in the one configured bucket, under the configured prefix', async () => {
  const server = await startS3Server(['shared']);
  const credentials = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
  const store = await S3ObjectStore.open({
    endpoint: server.endpoint,
    bucket: 'shared',
    region: 'us-east-1',
    ...credentials,
    forcePathStyle: true,
    prefix: 'fg/',
  });
  const raw = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  try {
    await store.put('photos', 'a/b.jpg', new Uint8Array([1, 2, 3]));
    await store.put('thumbs', 'a/b.jpg', new Uint8Array([4]));
    const listed = await raw.send(new ListObjectsV2Command({ Bucket: 'shared' }));
    assert.deepEqual(
      (listed.Contents ?? []).map((o) => o.Key),
      ['fg/photos/a/b.jpg', 'fg/thumbs/a/b.jpg'],
    );
    assert.deepEqual(
      (await store.list('photos')).objects.map((o) => [o.key, o.size]),
      [['a/b.jpg', 3]],
    );
  } finally {
    raw.destroy();
    store.close();
    await server.stop();
  }
});

test('S3 store: dot segments and "%" are escaped reversibly, so a key cannot leave its bucket prefix', () => {
  for (const key of ['../escape', 'a/../../b', './x', '%2E%2E/y', '100%/z', 'plain/key.jpg', '...', '.hidden']) {
    assert.equal(decodeKey(encodeKey(key)), key);
    assert.ok(
      !encodeKey(key)
        .split('/')
        .some((s) => s === '.' || s === '..'),
      key,
    );
  }
  assert.equal(encodeKey('plain/key.jpg'), 'plain/key.jpg');
});

test('S3 store: FACEGATE_S3_* settings open a working store; a partial dot prefix still lists dot names', async () => {
  const server = await startS3Server();
  const config = loadConfig({
    FACEGATE_S3_ENDPOINT: server.endpoint,
    FACEGATE_S3_BUCKET: 'from-config',
    FACEGATE_S3_ACCESS_KEY_ID: server.accessKeyId,
    FACEGATE_S3_SECRET_ACCESS_KEY: server.secretAccessKey,
    FACEGATE_S3_FORCE_PATH_STYLE: 'true',
  });
  const store = await S3ObjectStore.open({ ...config.objectStore, bucket: config.objectStore.bucket! });
  try {
    for (const key of ['../up', '.hidden', 'a/./b', 'plain']) await store.put('odd', key, new Uint8Array([1]));
    assert.deepEqual(
      (await store.list('odd', { prefix: '.' })).objects.map((o) => o.key),
      ['../up', '.hidden'],
    );
    assert.deepEqual(
      (await store.list('odd', { prefix: 'a/.' })).objects.map((o) => o.key),
      ['a/./b'],
    );
  } finally {
    store.close();
    await server.stop();
  }
});
