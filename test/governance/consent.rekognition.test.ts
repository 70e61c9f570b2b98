// A collection whose policy requires consent refuses IndexFaces on the Rekognition protocol (InvalidParameter-
// Exception) until the ExternalImageId has a consent record, recorded through the REST API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateCollectionCommand, IndexFacesCommand, type RekognitionClient } from '@aws-sdk/client-rekognition';
import { startServer, type Harness } from '../api/rekognition/rekognition.harness.ts';
import { scene, stubEngine } from '../api/rekognition/stub.engine.ts';

let h: Harness;
let rk: RekognitionClient;
before(async () => {
  h = await startServer({ overrides: { engine: stubEngine } }, { FACEGATE_CONSENT_REQUIRED: 'guarded' });
  rk = h.client();
});
after(() => h.close());

test('IndexFaces needs consent for the ExternalImageId in a guarded collection', async () => {
  await rk.send(new CreateCollectionCommand({ CollectionId: 'guarded' }));
  await rk.send(new CreateCollectionCommand({ CollectionId: 'open' }));
  const index = (c: string, ext?: string) =>
    rk.send(
      new IndexFacesCommand({ CollectionId: c, Image: { Bytes: scene(1) }, ...(ext ? { ExternalImageId: ext } : {}) }),
    );
  assert.equal((await index('open')).FaceRecords?.length, 1, 'other collections are not affected');
  const refused = await index('guarded', 'visitor-1').catch((e: Error) => e);
  assert.equal((refused as Error).name, 'InvalidParameterException');
  assert.match((refused as Error).message, /No consent recorded for visitor-1/);
  const anonymous = await index('guarded').catch((e: Error) => e);
  assert.match((anonymous as Error).message, /ExternalImageId with a consent record/);

  const key = (await (await h.container.get('restKeys')).create({ name: 'ops' })).key;
  const put = await fetch(`${h.url}/v1/consents/guarded/visitor-1`, {
    method: 'PUT',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ purpose: 'lobby', method: 'electronic', givenBy: 'visitor', textVersion: '2026-01' }),
  });
  assert.equal(put.status, 200, await put.text());
  assert.equal((await index('guarded', 'visitor-1')).FaceRecords?.length, 1);
  const audit = (await h.container.get('governance')).audit;
  const outcomes = (await audit.list({ operation: 'IndexFaces', limit: 10 })).map((e) => e.outcome);
  assert.deepEqual(outcomes, ['ok', 'CONSENT_REQUIRED', 'CONSENT_REQUIRED', 'ok']);
  const recorded = await audit.list({ operation: 'putConsent', limit: 10 });
  assert.deepEqual(
    recorded.map((e) => [e.collectionId, e.personal?.externalImageIds]),
    [['guarded', ['visitor-1']]],
  );
});
