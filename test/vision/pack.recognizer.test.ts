// A bring-your-own recogniser pack built from an npm-shipped model: the converted MobileFaceNet written into a temp
// pack directory with a manifest that restates how the built-in path runs it. The pack engine must give the
// built-in descriptor, under its own model version, and collections must keep the two apart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { isFacegateError, type ErrorCode } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { openCollections } from '../../src/collections/collection.factory.ts';
import { createFaceEngine, type LocalFaceEngine } from '../../src/vision/face.engine.ts';
import { createModelRuntime } from '../../src/vision/models/model.runtime.ts';
import { DEFAULT_CALIBRATION } from '../../src/vision/embed/default.embedder.ts';
import { defaultModelCache, preparedRuntime } from '../helpers/models.helper.ts';
import { fixtureBytes } from './vision.helper.ts';
import { withCode } from '../collections/harness.ts';
import { toTensor } from '../../src/vision/geometry/affine.warp.ts';
import { ARCFACE_112 } from '../../src/vision/embed/face.align.ts';
import { recognizerTemplate, type PackRecognizer } from '../../src/vision/models/pack.recognizer.ts';

const MODELS = ['blazeface', 'facemesh', 'mobilefacenet'];
const silent = createLogger('silent');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let root: string;
let bytes: Buffer;
let builtin: LocalFaceEngine;
const opened: LocalFaceEngine[] = [];

/** pack.json for MobileFaceNet exactly as descriptor.models.ts + default.embedder.ts run it. */
function manifest(over: Record<string, unknown> = {}, recognizer: Record<string, unknown> = {}) {
  return {
    name: 'mfn-pack',
    version: '1.0',
    models: [
      {
        name: 'my-recognizer',
        file: 'w/mfn.onnx',
        sha256: sha(bytes),
        inputs: [{ name: 'input', shape: ['N', 112, 112, 3] }],
        outputs: [{ name: 'embeddings', shape: ['N', 192] }],
      },
    ],
    recognizer: {
      model: 'my-recognizer',
      output: 'embeddings',
      size: 192,
      input: { size: 112, layout: 'NHWC', colour: 'RGB', mean: [127.5, 127.5, 127.5], std: [128, 128, 128] },
      alignment: 'arcface',
      metric: 'cosine',
      flip: true,
      calibration: { knots: DEFAULT_CALIBRATION.knots, basis: 'the built-in MobileFaceNet knots' },
      ...recognizer,
    },
    ...over,
  };
}

async function packDir(json: unknown): Promise<string> {
  const dir = await mkdtemp(join(root, 'pack-'));
  await mkdir(join(dir, 'w'));
  await writeFile(join(dir, 'w', 'mfn.onnx'), bytes);
  await writeFile(join(dir, 'pack.json'), JSON.stringify(json));
  return dir;
}

async function packEngine(dir: string): Promise<LocalFaceEngine> {
  const config = loadConfig(
    {},
    { models: { pack: dir, cacheDir: defaultModelCache().dir }, vision: { descriptor: 'pack' } },
  );
  const engine = await createFaceEngine(config, silent, { runtime: createModelRuntime(config) });
  opened.push(engine);
  return engine;
}

const rejectsWith = (p: Promise<unknown>, code: ErrorCode, re: RegExp) =>
  assert.rejects(p, (e) => isFacegateError(e) && e.code === code && re.test(e.message));

before(async () => {
  const runtime = await preparedRuntime(MODELS);
  root = await mkdtemp(join(tmpdir(), 'facegate-packs-'));
  bytes = await readFile(defaultModelCache().modelPath('mobilefacenet'));
  builtin = await createFaceEngine(loadConfig({}), silent, { runtime });
  opened.push(builtin);
});
after(async () => {
  for (const e of opened) await e.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('recogniser packs (FACEGATE_DESCRIPTOR=pack)', () => {
  test('a pack of the npm MobileFaceNet embeds a fixture face exactly as the built-in path', async () => {
    const engine = await packEngine(await packDir(manifest()));
    assert.match(engine.faceModelVersion, /^pack:mfn-pack@1\.0:my-recognizer:[0-9a-f]{12}\+flip$/);
    assert.notEqual(engine.faceModelVersion, builtin.faceModelVersion);
    assert.equal(engine.descriptorSize, 192);
    const img = new Uint8Array(await fixtureBytes('identity.jpg'));
    const [a, b] = await Promise.all([
      engine.analyze(img, { descriptors: true }),
      builtin.analyze(img, { descriptors: true }),
    ]);
    const da = a.faces[0]!.descriptor!;
    const db = b.faces[0]!.descriptor!;
    assert.equal(da.length, 192);
    const maxDiff = Math.max(...da.map((v, i) => Math.abs(v - db[i]!)));
    assert.ok(maxDiff < 1e-5, `max |Δ| ${maxDiff}`);
    // Same knots → same similarity; another person scores low on both.
    const other = await builtin.analyze(new Uint8Array(await fixtureBytes('grace_hopper_512x512.jpg')), {
      descriptors: true,
    });
    const d2 = other.faces[0]!.descriptor!;
    assert.equal(engine.similarity(da, d2), builtin.similarity(db, d2));
    assert.ok(engine.similarity(da, d2) < 50);
  });

  test('collections keep pack descriptors apart from built-in ones (MODEL_MISMATCH both ways)', async () => {
    const engine = await packEngine(await packDir(manifest()));
    const dataDir = await mkdtemp(join(root, 'data-'));
    const config = { dataDir, collections: { synchronous: 'FULL' as const, vectorFormat: 'float32' as const } };
    const img = { bytes: new Uint8Array(await fixtureBytes('identity.jpg')) };
    let store = await openCollections({ config, engine: builtin, logger: silent });
    try {
      await store.service.createCollection({ collectionId: 'builtin' });
      await store.service.indexFaces({ collectionId: 'builtin', image: img });
    } finally {
      await store.close();
    }
    store = await openCollections({ config, engine, logger: silent });
    try {
      await assert.rejects(
        () => store.service.indexFaces({ collectionId: 'builtin', image: img }),
        withCode('MODEL_MISMATCH'),
      );
      await assert.rejects(
        () => store.service.searchFacesByImage({ collectionId: 'builtin', image: img }),
        withCode('MODEL_MISMATCH'),
      );
      const created = await store.service.createCollection({ collectionId: 'packed' });
      assert.equal(created.faceModelVersion, engine.faceModelVersion);
      const r = await store.service.indexFaces({ collectionId: 'packed', image: img });
      assert.equal(r.faceRecords[0]!.face.indexFacesModelVersion, engine.faceModelVersion);
    } finally {
      await store.close();
    }
    // A second pack (another name, same file) is another model: it cannot add to the first pack's collection.
    const second = await packEngine(await packDir(manifest({ name: 'other-pack' })));
    store = await openCollections({ config, engine: second, logger: silent });
    try {
      await assert.rejects(
        () => store.service.indexFaces({ collectionId: 'packed', image: img }),
        withCode('MODEL_MISMATCH'),
      );
    } finally {
      await store.close();
    }
  });

  test('a wrong sha256 fails when the recogniser is first used, with a clear error', async () => {
    const m = manifest();
    m.models[0]!.sha256 = '0'.repeat(64);
    const engine = await packEngine(await packDir(m));
    await rejectsWith(engine.ready(), 'MODEL_LOAD_FAILED', /w\/mfn\.onnx does not match its sha256/);
  });

  test('bad manifests are refused before any model runs', async () => {
    const cases: [unknown, RegExp][] = [
      [manifest({}, { model: 'missing' }), /recognizer\.model missing is not one of the pack's models/],
      [
        manifest(
          {},
          {
            calibration: {
              knots: [
                [-1, 0],
                [0.5, 80],
                [0.4, 90],
                [1, 100],
              ],
            },
          },
        ),
        /strictly increasing/,
      ],
      [
        manifest(
          {},
          {
            calibration: {
              knots: [
                [0, 0],
                [1, 100],
              ],
            },
          },
        ),
        /start at \[-1, 0\]/,
      ],
      [manifest({}, { alignment: { template: [[1, 2]] } }), /pack\.json is invalid/],
      [
        manifest({}, { input: { size: 112, layout: 'NHWC', colour: 'RGB', mean: [0, 0, 0], std: [0, 1, 1] } }),
        /std must be positive/,
      ],
      [manifest({}, { metric: 'euclidean' }), /pack\.json is invalid/],
    ];
    for (const [json, re] of cases) await rejectsWith(packEngine(await packDir(json)), 'MODEL_NOT_AVAILABLE', re);
    const noRecognizer = manifest();
    delete (noRecognizer as { recognizer?: unknown }).recognizer;
    await rejectsWith(packEngine(await packDir(noRecognizer)), 'MODEL_NOT_AVAILABLE', /has no recognizer section/);
  });

  test('a model path or link that leaves the pack directory is refused', async () => {
    const m = manifest();
    m.models[0]!.file = '../outside.onnx';
    await rejectsWith(packEngine(await packDir(m)), 'MODEL_NOT_AVAILABLE', /points outside the pack/);
    // A symbolic link inside the pack that leads out of it.
    const outside = join(root, 'outside.onnx');
    await writeFile(outside, bytes);
    const l = manifest();
    l.models[0]!.file = 'link.onnx';
    const dir = await packDir(l);
    await symlink(outside, join(dir, 'link.onnx'));
    const engine = await packEngine(dir);
    await rejectsWith(engine.ready(), 'MODEL_NOT_AVAILABLE', /link\.onnx points outside the pack/);
  });

  test('without a pack directory, FACEGATE_DESCRIPTOR=pack is a clear error', async () => {
    await rejectsWith(packEngine('default'), 'MODEL_NOT_AVAILABLE', /needs FACEGATE_MODELS/);
  });
});

describe('pack input layouts', () => {
  test('NCHW, BGR and per-channel std lay the chip out as InsightFace feeds it', () => {
    // Two pixels: (10, 20, 30) and (40, 50, 60).
    const img = { data: new Uint8Array([10, 20, 30, 40, 50, 60]), width: 2, height: 1 };
    const t = toTensor(img, { mean: [0, 10, 20], std: [1, 2, 4], bgr: true, planar: true });
    // Channel planes in BGR order: B = (30, 60) − 0, G = ((20, 50) − 10) / 2, R = ((10, 40) − 20) / 4.
    assert.deepEqual(Array.from(t), [30, 60, 5, 20, -2.5, 5]);
    assert.deepEqual(Array.from(toTensor(img, { mean: [0, 0, 0], std: [1, 1, 1] })), [10, 20, 30, 40, 50, 60]);
  });

  test("'arcface' is InsightFace's 112² template, scaled for 128 as estimate_norm does", () => {
    const r = (size: number) =>
      recognizerTemplate({ alignment: 'arcface', input: { size } } as unknown as PackRecognizer);
    assert.deepEqual(r(112), ARCFACE_112);
    const t128 = r(128);
    assert.ok(Math.abs(t128[0]![0] - (38.2946 + 8 + 0.5)) < 1e-9 && Math.abs(t128[0]![1] - (51.6963 + 0.5)) < 1e-9);
  });
});
