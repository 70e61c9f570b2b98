import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogEntry } from '../../../../src/vision/models/model.catalog.ts';
import { ModelCache } from '../../../../src/vision/models/model.cache.ts';
import { prepareModel } from '../../../../src/vision/models/model.prepare.ts';
import type { ModelEntry } from '../../../../src/vision/models/model.entry.ts';
import { OnnxRuntime } from '../../../../src/vision/runtime/onnx.runtime.ts';

// Small models only (liveness 0.6 MB, emotion 0.8 MB): the full catalogue is checked in catalog.models.test.ts.
const liveness = catalogEntry('liveness')!;

describe('prepareModel', () => {
  let dir: string;
  let cache: ModelCache;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'facegate-models-'));
    cache = new ModelCache(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('converts, verifies against tfjs within tolerance, and writes model + manifest', async () => {
    const r = await prepareModel(cache, liveness);
    assert.equal(r.status, 'prepared', r.error?.message);
    const m = await cache.manifest('liveness');
    assert.ok(m);
    assert.equal(m.sourcePackage, '@vladmandic/human');
    assert.ok(m.verification);
    assert.ok(m.verification.relativeDiff <= m.verification.tolerance);
    assert.deepEqual(
      m.outputs.map((o) => o.name),
      ['Identity'],
    );
    const rt = new OnnxRuntime({ threads: 1, source: (n) => Promise.resolve(cache.modelPath(n)) });
    const s = await rt.session('liveness');
    const out = await s.run({
      conv2d_1_input: { data: new Float32Array(32 * 32 * 3).fill(0.5), dims: [1, 32, 32, 3] },
    });
    const probs = out.Identity!.data as Float32Array;
    assert.ok(Math.abs(probs[0]! + probs[1]! - 1) < 1e-5, 'softmax output sums to 1');
    await rt.close();
  });

  test('a second run with the same sources is served from the cache', async () => {
    const r = await prepareModel(cache, liveness);
    assert.equal(r.status, 'cached');
  });

  test('a new entry version changes the cache key and re-converts', async () => {
    const bumped: ModelEntry = { ...liveness, version: `${liveness.version}-next` };
    assert.equal((await prepareModel(cache, bumped)).status, 'prepared');
    assert.equal((await prepareModel(cache, bumped)).status, 'cached');
  });

  test('a truncated model file is not taken as prepared', async () => {
    await writeFile(cache.modelPath('liveness'), new Uint8Array(10));
    assert.equal(await cache.manifest('liveness'), undefined);
    assert.equal((await prepareModel(cache, liveness)).status, 'prepared');
  });

  test('a damaged manifest is not taken as prepared and is rewritten', async () => {
    await writeFile(cache.manifestPath('liveness'), '{ not json');
    assert.equal(await cache.manifest('liveness'), undefined);
    assert.equal((await prepareModel(cache, liveness)).status, 'prepared');
    assert.ok(await cache.manifest('liveness'));
  });

  test('a conversion that drifts from the original beyond tolerance fails and writes nothing', async () => {
    const emotion = catalogEntry('emotion')!;
    const drifting: ModelEntry = {
      ...emotion,
      name: 'emotion-drift',
      verify: {
        ...emotion.verify!,
        reference: async (d, input) => {
          const ref = await emotion.verify!.reference(d, input);
          const o = ref.Identity!;
          return { Identity: { dims: o.dims, data: o.data.map((v) => v + 0.01) } };
        },
      },
    };
    const r = await prepareModel(cache, drifting);
    assert.equal(r.status, 'failed');
    assert.match(r.error!.message, /differs from the original/);
    assert.equal(await cache.manifest('emotion-drift'), undefined);
  });

  test('a catalogue shape that does not match the converted graph fails', async () => {
    const wrong: ModelEntry = {
      ...liveness,
      name: 'liveness-wrong',
      outputs: [{ name: 'Identity', dtype: 'float32', shape: ['N', 3] }],
    };
    const r = await prepareModel(cache, wrong);
    assert.equal(r.status, 'failed');
    assert.match(r.error!.message, /dims \[1,2\], catalogue says \[N,3\]/);
  });
});
