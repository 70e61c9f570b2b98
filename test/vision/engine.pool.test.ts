// The engine pool (vision.workers > 0) with the real models: worker threads give the same faces, landmarks,
// attributes and descriptors as the in-process engine at the same ONNX Runtime thread count, several calls at once
// are each answered with their own image's result, errors keep their catalogue code across the thread boundary,
// and every model run reaches the inference metrics hook.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { FacegateError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { createFaceEngine, type LocalFaceEngine } from '../../src/vision/face.engine.ts';
import { createEnginePool } from '../../src/vision/pool/engine.pool.ts';
import { CATALOG } from '../../src/vision/models/model.catalog.ts';
import { FIXTURES, preparedRuntime } from '../helpers/models.helper.ts';

const image = async (name: string) => new Uint8Array(await readFile(new URL(name, FIXTURES)));
const config = loadConfig({ FACEGATE_THREADS: '1' });
const runs: string[] = [];
let pool: LocalFaceEngine;
let local: LocalFaceEngine;

before(async () => {
  await (await preparedRuntime(CATALOG.map((e) => e.name))).close();
  const log = createLogger('silent');
  pool = await createEnginePool(config, log, { workers: 2, threads: 1, onInference: (model) => runs.push(model) });
  local = await createFaceEngine(config, log);
  await Promise.all([pool.ready(), local.ready()]);
});
after(async () => {
  await pool?.close();
  await local?.close();
});

describe('engine pool', () => {
  test('gives the in-process engine’s faces, attributes and descriptors', async () => {
    for (const name of ['identity.jpg', 'grace_hopper_512x512.jpg', 'photo3.jpeg']) {
      const bytes = await image(name);
      const options = { descriptors: true, attributes: true, liveness: true };
      const [fromPool, inProcess] = await Promise.all([pool.analyze(bytes, options), local.analyze(bytes, options)]);
      assert.ok(inProcess.faces.length > 0, `${name}: a face is found`);
      assert.deepStrictEqual(fromPool, inProcess, name);
      assert.ok(fromPool.faces[0]!.descriptor instanceof Float32Array);
    }
    assert.equal(pool.faceModelVersion, local.faceModelVersion);
    assert.equal(pool.descriptorSize, local.descriptorSize);
  });

  test('answers concurrent calls each with its own image', async () => {
    const names = ['identity.jpg', 'grace_hopper_512x512.jpg', 'dani_640.jpg', 'identity.jpg', 'dani_1_640.jpg'];
    const bytes = await Promise.all(names.map(image));
    const fromPool = await Promise.all(bytes.map((b) => pool.analyze(b, { descriptors: true })));
    for (const [i, b] of bytes.entries()) {
      assert.deepStrictEqual(fromPool[i], await local.analyze(b, { descriptors: true }), names[i]);
    }
    const [a, b] = [fromPool[0]!.faces[0]!.descriptor!, fromPool[3]!.faces[0]!.descriptor!];
    assert.equal(pool.similarity(a, b), 100);
  });

  test('labels and moderation run in the workers too', async () => {
    const bytes = await image('cellphone.jpg');
    assert.deepStrictEqual(await pool.labels(bytes), await local.labels(bytes));
    assert.deepStrictEqual(await pool.moderation(bytes), await local.moderation(bytes));
  });

  test('an invalid image is INVALID_IMAGE_FORMAT across the thread boundary, and the worker keeps serving', async () => {
    await assert.rejects(
      pool.analyze(new TextEncoder().encode('not an image at all')),
      (e) => e instanceof FacegateError && e.code === 'INVALID_IMAGE_FORMAT',
    );
    assert.equal((await pool.analyze(await image('identity.jpg'))).faces.length, 1);
  });

  test('every model run in a worker reaches the inference hook', () => {
    for (const model of ['blazeface', 'facemesh', 'mobilefacenet']) assert.ok(runs.includes(model), model);
  });
});
