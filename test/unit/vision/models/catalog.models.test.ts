import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG } from '../../../../src/vision/models/model.catalog.ts';
import type { OnnxRuntime } from '../../../../src/vision/runtime/onnx.runtime.ts';
import { defaultModelCache, preparedRuntime } from '../../../helpers/models.helper.ts';

// Every catalogue model, from the prepared cache (prepared here if missing): verified against the original runtime
// when it was converted, and loadable with the names and shapes the catalogue promises.
describe('catalogue models in the prepared cache', () => {
  let rt: OnnxRuntime;
  before(async () => {
    rt = await preparedRuntime(CATALOG.map((e) => e.name));
  });
  after(() => rt.close());

  for (const entry of CATALOG) {
    test(`${entry.name}: matched its original within tolerance and runs with the catalogue's shapes`, async () => {
      const m = await defaultModelCache().manifest(entry.name);
      assert.ok(m, `${entry.name} has a manifest`);
      if (entry.verify) {
        assert.ok(m.verification, 'verified at prepare time');
        assert.ok(m.verification.relativeDiff <= entry.verify.tolerance, `diff ${m.verification.relativeDiff}`);
      }
      const s = await rt.session(entry.name);
      assert.deepEqual(
        [...s.inputNames],
        entry.inputs.map((i) => i.name),
      );
      const input = entry.inputs[0]!;
      const dims = input.shape.map((d) => (typeof d === 'number' ? d : 2));
      const out = await s.run({ [input.name]: { data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims } });
      for (const o of entry.outputs) {
        const want = o.shape.map((d) => (typeof d === 'number' ? d : 2));
        assert.deepEqual(out[o.name]?.dims, want, `${o.name} dims`);
        assert.ok(!Array.from(out[o.name]!.data as Float32Array).some(Number.isNaN), `${o.name} has no NaN`);
      }
    });
  }
});
