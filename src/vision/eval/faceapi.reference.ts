// Loads @vladmandic/face-api on TensorFlow.js' WebAssembly backend, as a reference: the baseline pipeline that
// Facegate's own descriptors are compared against, and the ground truth for the ONNX conversion of its ResNet.
// Evaluation and test tooling only (tfjs is a dev dependency); the product runs the converted ONNX model.
//
// face-api's Node/wasm bundle does `require('@tensorflow/tfjs')` (the umbrella package, not installed). The same
// API is tfjs-core + tfjs-converter, so the require is answered with those two, plus the chained tensor methods
// (`t.as3D()`, …) that the umbrella package would have registered.
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The face-api module (untyped on purpose: its API is used by two small callers). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FaceApi = any;

let loaded: Promise<FaceApi> | undefined;

export function faceApiModelDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

function installTfjsShim(): void {
  const core = require('@tensorflow/tfjs-core') as Record<string, unknown>;
  const converter = require('@tensorflow/tfjs-converter') as Record<string, unknown>;
  require('@tensorflow/tfjs-backend-cpu');
  const proto = (core.Tensor as { prototype: Record<string, unknown> }).prototype;
  for (const [k, fn] of Object.entries(core)) {
    if (typeof fn === 'function' && /^[a-z]/.test(k) && !(k in proto)) {
      proto[k] = function (this: unknown, ...a: unknown[]) {
        return (fn as (...x: unknown[]) => unknown)(this, ...a);
      };
    }
  }
  const reshape = core.reshape as (t: unknown, s: number[]) => unknown;
  for (const n of [1, 2, 3, 4]) {
    proto[`as${n}D`] = function (this: unknown, ...s: number[]) {
      return reshape(this, n === 1 ? [-1] : s);
    };
  }
  const shimPath = join(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), '__facegate_tfjs_shim.js');
  const shim = new Module(shimPath);
  shim.filename = shimPath;
  shim.loaded = true;
  shim.exports = { ...core, ...converter };
  const cache = (Module as unknown as { _cache: Record<string, Module> })._cache;
  cache[shimPath] = shim;
  const m = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
  const original = m._resolveFilename;
  m._resolveFilename = function (req: string, ...rest: unknown[]) {
    return req === '@tensorflow/tfjs' ? shimPath : original.call(this, req, ...rest);
  };
}

/** face-api with the wasm backend ready and the given nets loaded from the package's model folder. */
export function loadFaceApi(nets: readonly string[]): Promise<FaceApi> {
  loaded ??= (async () => {
    installTfjsShim();
    const faceapi: FaceApi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
    await faceapi.tf.setBackend('wasm');
    await faceapi.tf.ready();
    return faceapi;
  })();
  return loaded.then(async (faceapi: FaceApi) => {
    for (const n of nets) if (!faceapi.nets[n].isLoaded) await faceapi.nets[n].loadFromDisk(faceApiModelDir());
    return faceapi;
  });
}
