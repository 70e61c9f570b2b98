// The bucket API writes into the buckets pipelines are bound to, nowhere else: not the people photos, not an unbound
// bucket, and never over another module's metadata objects (an upload's .faces.json, a run's thumbnail).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FacegateError } from '../../src/errors.ts';
import { pipelineHarness } from './harness.ts';

const denied = (p: Promise<unknown>) =>
  assert.rejects(p, (e: unknown) => e instanceof FacegateError && e.code === 'ACCESS_DENIED');

describe('bucket API writes', () => {
  test('only bound buckets, never people photos or metadata objects', async () => {
    const h = await pipelineHarness({ startQueue: false });
    try {
      const bytes = new Uint8Array([1, 2, 3]);
      await denied(h.service.putObject('people', 'photos/p1.jpg', bytes));
      await denied(h.service.putObject('not-bound', 'a.jpg', bytes));
      await denied(h.service.putObject('uploads', 'alice.faces.json', bytes));
      await denied(h.service.putObject('uploads', 'photos/a.thumb.jpg', bytes));
      assert.equal(await h.objects.get('people', 'photos/p1.jpg'), undefined);
      await denied(h.service.define({ name: 'sneaky', bucket: 'people' }));
      // The door's and the cameras' snapshots are no pipeline's either.
      await denied(h.service.define({ name: 'door-tap', bucket: 'door' }));
      await denied(h.service.define({ name: 'camera-tap', bucket: 'camera-visits' }));
      await denied(h.service.putObject('people', 'photos/p1.jpg', bytes));
      const ok = await h.service.putObject('uploads', 'photos/a.jpg', bytes);
      assert.equal(ok.size, 3);
    } finally {
      await h.close();
    }
  });
});
