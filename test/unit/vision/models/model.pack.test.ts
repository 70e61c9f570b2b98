import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFacegateError, type ErrorCode } from '../../../../src/errors.ts';
import { createModelRuntime } from '../../../../src/vision/models/model.runtime.ts';
import { defaultModelCache, preparedRuntime } from '../../../helpers/models.helper.ts';

// A user pack built from a model an npm package ships: the emotion model converted from @vladmandic/human.
describe('model packs (FACEGATE_MODELS=<directory>)', () => {
  let dir: string;
  let bytes: Buffer;
  const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
  const emotionIo = {
    inputs: [{ name: 'input_1', shape: ['N', 64, 64, 1] }],
    outputs: [{ name: 'Identity', shape: ['N', 7] }],
  };
  const runtimeFor = (pack: string) =>
    createModelRuntime({ models: { pack, threads: 1, spin: false, arena: false, cacheDir: defaultModelCache().dir } });
  const writePack = (models: object[]) =>
    writeFile(join(dir, 'pack.json'), JSON.stringify({ name: 'test-pack', version: '1', models }));
  const rejectsWith = (p: Promise<unknown>, code: ErrorCode, re: RegExp) =>
    assert.rejects(p, (e) => isFacegateError(e) && e.code === code && re.test(e.message));

  before(async () => {
    await (await preparedRuntime(['emotion', 'liveness'])).close();
    dir = await mkdtemp(join(tmpdir(), 'facegate-pack-'));
    bytes = await readFile(defaultModelCache().modelPath('emotion'));
    await writeFile(join(dir, 'emo.onnx'), bytes);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('serves a pack model under its own name and falls through to the cache for other names', async () => {
    await writePack([{ name: 'pack-emotion', file: 'emo.onnx', sha256: sha(bytes), ...emotionIo }]);
    const rt = runtimeFor(dir);
    try {
      const s = await rt.session('pack-emotion');
      const out = await s.run({ input_1: { data: new Float32Array(64 * 64).fill(0.5), dims: [1, 64, 64, 1] } });
      const p = Array.from(out.Identity!.data as Float32Array);
      assert.equal(p.length, 7);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-4);
      assert.deepEqual([...(await rt.session('liveness')).outputNames], ['Identity']);
    } finally {
      await rt.close();
    }
  });

  test('refuses a model file whose bytes do not match the recorded sha256', async () => {
    await writePack([{ name: 'pack-emotion', file: 'emo.onnx', sha256: 'f'.repeat(64), ...emotionIo }]);
    const rt = runtimeFor(dir);
    await rejectsWith(rt.session('pack-emotion'), 'MODEL_LOAD_FAILED', /does not match its sha256/);
    await rt.close();
  });

  test('refuses a model whose graph lacks the input or output names pack.json promises', async () => {
    const io = { inputs: [{ name: 'image', shape: [1, 64, 64, 1] }], outputs: emotionIo.outputs };
    await writePack([{ name: 'pack-emotion', file: 'emo.onnx', sha256: sha(bytes), ...io }]);
    const rt = runtimeFor(dir);
    await rejectsWith(rt.session('pack-emotion'), 'MODEL_LOAD_FAILED', /lacks image named in pack.json/);
    await rt.close();
  });

  test('refuses a pack.json that points outside the pack or is invalid', async () => {
    await writePack([{ name: 'pack-emotion', file: '../emo.onnx', sha256: sha(bytes), ...emotionIo }]);
    let rt = runtimeFor(dir);
    await rejectsWith(rt.session('pack-emotion'), 'MODEL_NOT_AVAILABLE', /points outside the pack/);
    await rt.close();
    await writeFile(join(dir, 'pack.json'), '{"name": "x"}');
    rt = runtimeFor(dir);
    await rejectsWith(rt.session('pack-emotion'), 'MODEL_NOT_AVAILABLE', /pack.json is invalid/);
    await rt.close();
  });
});
