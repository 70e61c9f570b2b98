// The two JavaScript face libraries Facegate is measured against, on TensorFlow.js' WebAssembly backend (tfjs-node
// cannot be installed here). Bench tooling only.
// - face-api: the reference loader (src/vision/eval/faceapi.reference.ts): SSD MobileNet v1 + 68 landmarks + 128-d descriptor.
// - human: its browser ESM bundle, because the Node entry needs tfjs-node and the package's exports map hides the
//   rest. The bundle decides "browser or Node" at import time, so for the import only, process.versions.node is
//   hidden and a WorkerGlobalScope is declared; models and the wasm binary are served by a fetch() that maps a fake
//   http://files.local/ prefix onto the file system (emscripten refuses file:// URLs outside Node mode).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadFaceApi } from '../src/vision/eval/faceapi.reference.ts';
import type { RgbImage } from '../src/vision/embed/embedder.port.ts';

const require = createRequire(import.meta.url);
const BASE = 'http://files.local/';

function installFileFetch(): void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(BASE)) return realFetch(input, init);
    const body = await readFile(decodeURIComponent(url.slice(BASE.length - 1)));
    const type = url.endsWith('.wasm')
      ? 'application/wasm'
      : url.endsWith('.json')
        ? 'application/json'
        : 'application/octet-stream';
    return new Response(body, { status: 200, headers: { 'content-type': type } });
  }) as typeof fetch;
}

export interface Baseline {
  name: string;
  /** Detect every face and compute its descriptor. */
  run(image: RgbImage): Promise<number>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

export async function humanBaseline(): Promise<Baseline> {
  installFileFetch();
  const humanDir = dirname(dirname(require.resolve('@vladmandic/human')));
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..');
  await new Response(new Uint8Array(1)).arrayBuffer(); // undici initialises lazily and reads process.versions.node
  const versions = process.versions as Record<string, string | undefined>;
  const nodeVersion = versions.node;
  const g = globalThis as Record<string, unknown>;
  Object.defineProperty(versions, 'node', { value: undefined, configurable: true, writable: true });
  g.WorkerGlobalScope = function WorkerGlobalScope() {};
  let human: Any;
  try {
    const mod: Any = await import(pathToFileURL(join(humanDir, 'dist/human.esm.js')).href);
    human = new mod.Human({
      backend: 'wasm',
      wasmPath: `${BASE}${join(wasmDir, 'dist').slice(1)}/`,
      modelBasePath: `${BASE}${join(humanDir, 'models').slice(1)}/`,
      debug: false,
      // Every frame from scratch: no result caching between calls (human skips similar frames by default).
      cacheSensitivity: 0,
      filter: { enabled: false },
      face: {
        enabled: true,
        detector: { rotation: false, maxDetected: 20, skipFrames: 0, skipTime: 0 },
        mesh: { enabled: true },
        iris: { enabled: false },
        description: { enabled: true, skipFrames: 0, skipTime: 0 },
        emotion: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
    });
    human.tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await human.load();
  } finally {
    Object.defineProperty(versions, 'node', { value: nodeVersion, configurable: true, writable: true });
    delete g.WorkerGlobalScope;
  }
  if (human.tf.getBackend() !== 'wasm') throw new Error(`human runs on ${human.tf.getBackend()}, not wasm`);
  return {
    name: 'human (blazeface + facemesh + faceres, tfjs-wasm)',
    async run(image) {
      const t = human.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      const batch = human.tf.expandDims(t, 0);
      const res = await human.detect(batch);
      human.tf.dispose([t, batch]);
      return res.face.length as number;
    },
  };
}

export async function faceApiBaseline(): Promise<Baseline> {
  const faceapi: Any = await loadFaceApi(['ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet']);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 });
  return {
    name: 'face-api (SSD MobileNet v1 + 68 landmarks + ResNet descriptor, tfjs-wasm)',
    async run(image) {
      const t = faceapi.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      const faces = await faceapi.detectAllFaces(t, options).withFaceLandmarks().withFaceDescriptors();
      faceapi.tf.dispose(t);
      return faces.length as number;
    },
  };
}
