// Admission control through the real clients: a flood beyond capacity is answered at once with ThrottlingException
// (the real SDK, maxAttempts 1) and 429 + Retry-After on REST, refused requests use none of the key's daily quota, a
// second client still gets its share, and the server stays healthy and serves again once the load is gone.
// The engine is the real worker pool; its analyses wait on a gate the test opens, so which requests are in flight
// when the flood arrives is explicit rather than timed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  DetectFacesCommand,
  ListCollectionsCommand,
  type DetectFacesCommandOutput,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { SlotScheduler } from '../../src/vision/admission/slot.scheduler.ts';
import { openFaceEngine } from '../../src/vision/engine.factory.ts';
import type { LocalFaceEngine } from '../../src/vision/face.engine.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';
import { startServer, type Harness } from './rekognition/rekognition.harness.ts';

const photo = new Uint8Array(readFileSync('test/fixtures/images/identity.jpg'));
const ENV = {
  FACEGATE_MAX_IN_FLIGHT: '4',
  FACEGATE_MAX_IN_FLIGHT_PER_CLIENT: '2',
  FACEGATE_MAX_QUEUE_WAIT_MS: '600000',
};

let open!: () => void;
const gate = new Promise<void>((r) => (open = r));
let real: LocalFaceEngine;
let h: Harness;

/** Resolves once `n` of the promises have rejected, with those rejections (the others may still be pending). */
function firstRejections(promises: Promise<unknown>[], n: number): Promise<unknown[]> {
  const seen: unknown[] = [];
  return new Promise((resolve) => {
    for (const p of promises) {
      p.catch((e: unknown) => {
        seen.push(e);
        if (seen.length === n) resolve(seen);
      });
    }
  });
}

before(async () => {
  const config = loadConfig(ENV);
  real = await openFaceEngine(config, createLogger('silent'), new SlotScheduler(config.vision.workers));
  await real.ready();
  const held: FaceEngine = {
    ...real,
    analyze: async (bytes, options) => {
      await gate;
      return real.analyze(bytes, options);
    },
  };
  h = await startServer({ overrides: { engine: held } }, ENV);
  await h.container.get('apps');
});
after(async () => {
  await h?.close();
  await real?.close();
});

describe('a flood beyond capacity', () => {
  test('is refused at once on both APIs, without using quota, and the server recovers', async () => {
    const sdk = h.client({ maxAttempts: 1 });
    // One SigV4 client sends 8 at once: 2 are admitted (its share) and wait in the engine, 6 are refused.
    const flood = Array.from({ length: 8 }, () => sdk.send(new DetectFacesCommand({ Image: { Bytes: photo } })));
    const refused = (await firstRejections(flood, 6)) as RekognitionServiceException[];
    for (const e of refused) {
      assert.equal(e.name, 'ThrottlingException');
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.ok(Number(e.$response?.headers['retry-after']) >= 1, 'Retry-After, which the SDK waits before retrying');
    }
    assert.equal(h.container.admission.stats.admitted, 2);

    // A REST key floods /v1/search with 4: 2 admitted (the server is now at its global bound of 4), 2 refused.
    const restKeys = await h.container.get('restKeys');
    const flooder = await restKeys.create({ name: 'flooder' });
    const search = (key: string) =>
      fetch(`${h.url}/v1/search`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'image/jpeg' },
        body: photo,
      });
    const rest = Array.from({ length: 4 }, () => search(flooder.key));
    const settledRest: Response[] = [];
    const twoRefused = new Promise<void>((resolve) => {
      for (const r of rest) {
        void r.then((res) => {
          if (res.status === 429) settledRest.push(res);
          if (settledRest.length === 2) resolve();
        });
      }
    });
    await twoRefused;
    for (const r of settledRest) {
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
      assert.equal(((await r.json()) as { code: string }).code, 'THROTTLED');
    }
    // Another client now finds the server at capacity: refused too, at once.
    const other = await restKeys.create({ name: 'other' });
    const atCapacity = await search(other.key);
    assert.equal(atCapacity.status, 429);
    assert.match(((await atCapacity.json()) as { message: string }).message, /at capacity/);
    // Refused requests are not counted against the daily quota; the two admitted ones are.
    const usage = Object.fromEntries((await restKeys.list()).map((k) => [k.name, k.usedToday]));
    assert.deepEqual([usage.flooder, usage.other], [2, 0]);

    // Healthy meanwhile: health, and operations that run no models, answer.
    assert.equal((await fetch(`${h.url}/healthz`)).status, 200);
    assert.ok(Array.isArray((await sdk.send(new ListCollectionsCommand({}))).CollectionIds));

    open();
    const served = (await Promise.allSettled(flood)).filter(
      (r): r is PromiseFulfilledResult<DetectFacesCommandOutput> => r.status === 'fulfilled',
    );
    assert.equal(served.length, 2);
    for (const r of served) assert.equal(r.value.FaceDetails?.length, 1);
    const restServed = (await Promise.all(rest)).filter((r) => r.status === 200);
    assert.equal(restServed.length, 2);
    assert.equal(h.container.admission.stats.admitted, 0);
    const again = await sdk.send(new DetectFacesCommand({ Image: { Bytes: photo } }));
    assert.equal(again.FaceDetails?.length, 1);
  });
});
