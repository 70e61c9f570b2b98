// Oversized and pathological bodies on the Rekognition protocol: every SDK call with a too-large image gets the typed
// ImageTooLargeException (the client is never cut off mid-upload with EPIPE), and deeply nested JSON is refused
// before it is parsed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { DetectFacesCommand } from '@aws-sdk/client-rekognition';
import { sdkError, stubCollections, stubEngine, stubObjects } from './protocol.stubs.ts';
import { startServer, type Harness } from './rekognition.harness.ts';

let h: Harness;
before(async () => {
  h = await startServer({ overrides: { engine: stubEngine, objects: stubObjects, collections: stubCollections } });
});
after(() => h.close());

describe('oversized Rekognition bodies', () => {
  test('ten concurrent SDK calls with a 10 MB image all get ImageTooLargeException', async () => {
    const big = new Uint8Array(10 * 1024 * 1024).fill(7);
    const client = h.client();
    const errors = await Promise.all(
      Array.from({ length: 10 }, () => sdkError(client.send(new DetectFacesCommand({ Image: { Bytes: big } })))),
    );
    assert.deepEqual(
      errors.map((e) => e.name),
      Array(10).fill('ImageTooLargeException'),
    );
  });

  test('a client that uploads a 13 MB body to the end is answered, not cut off with EPIPE', async () => {
    const u = new URL(h.url);
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    const chunks = 52; // 13 MB, twice the body limit
    const outcome = await new Promise<{ status?: number; type?: string; writeError?: string }>((resolve) => {
      const req = httpRequest({
        host: u.hostname,
        port: u.port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'RekognitionService.DetectFaces',
          'content-length': String(chunk.length * chunks),
        },
      });
      let writeError: string | undefined;
      req.on('error', (e) => resolve({ writeError: e.message }));
      req.on('response', (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode, type: String(res.headers['x-amzn-errortype']), writeError }),
        );
      });
      const write = async () => {
        for (let i = 0; i < chunks; i++) {
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        }
        req.end();
      };
      write().catch((e: Error) => (writeError = e.message));
    });
    assert.equal(outcome.writeError, undefined);
    assert.equal(outcome.status, 400);
    assert.equal(outcome.type, 'ImageTooLargeException');
  });

  test('JSON nested a million levels deep is refused without parsing it', async () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    const r = await h.signedFetch('RekognitionService.DetectFaces', deep);
    assert.equal(r.status, 400);
    const body = (await r.json()) as { __type: string; message: string };
    assert.equal(body.__type, 'InvalidParameterException');
    assert.match(body.message, /nested/);
  });
});
