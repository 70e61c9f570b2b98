// Runs a TFJS graph model in TensorFlow.js itself (the wasm backend, else the pure-JS cpu backend): the reference
// that every converted model is checked against before it is used.
// tfjs is imported on first use: loading it costs ~0.5 s and ~100 MB, and only `models prepare` needs it.
import type * as TfCore from '@tensorflow/tfjs-core';
import type { TfjsModelJson } from './tfjs-model.reader.ts';
import { logger } from '../../logger.ts';

const log = logger.child({ module: 'tfjs.reference' });

type Tf = typeof TfCore;
let backendReady: Promise<{ tf: Tf; backend: string }> | undefined;

async function initBackend(tf: Tf): Promise<string> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) return 'wasm';
  } catch (e) {
    log.debug({ err: e }, 'tfjs wasm backend unavailable, using cpu');
  }
  await tf.setBackend('cpu');
  return 'cpu';
}

async function load(): Promise<{ tf: Tf; backend: string }> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const backend = await initBackend(tf);
  await tf.ready();
  return { tf, backend };
}

/** The tfjs backend in use ('wasm' or 'cpu'). */
export async function tfjsBackend(): Promise<string> {
  backendReady ??= load();
  return (await backendReady).backend;
}

export interface ReferenceInput {
  data: Float32Array | Int32Array;
  dims: number[];
}

/** Executes the original model on one input and returns the requested outputs (TF tensor names) as float32. */
export async function runTfjsReference(
  json: TfjsModelJson,
  weightData: Uint8Array,
  inputs: Record<string, ReferenceInput>,
  outputNames: string[],
): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  backendReady ??= load();
  const { tf } = await backendReady;
  const { GraphModel } = await import('@tensorflow/tfjs-converter');
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights) as TfCore.io.WeightsManifestEntry[];
  const buffer = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength);
  const handler = tf.io.fromMemorySync({
    modelTopology: json.modelTopology as object,
    weightSpecs,
    weightData: buffer as ArrayBuffer,
    ...(json.signature ? { signature: json.signature as object } : {}),
  });
  const model = new GraphModel(handler);
  model.load();
  const feeds: TfCore.NamedTensorMap = {};
  for (const [name, t] of Object.entries(inputs)) feeds[name] = tf.tensor(t.data, t.dims);
  try {
    // execute() is synchronous and silent; graphs with dynamic ops need executeAsync().
    let out: TfCore.Tensor | TfCore.Tensor[];
    try {
      out = model.execute(feeds, outputNames);
    } catch {
      out = await model.executeAsync(feeds, outputNames);
    }
    const list = Array.isArray(out) ? out : [out];
    const result: Record<string, { data: Float32Array; dims: number[] }> = {};
    for (const [i, t] of list.entries()) {
      result[outputNames[i]!] = { data: Float32Array.from(await t.data()), dims: t.shape };
      t.dispose();
    }
    return result;
  } finally {
    for (const t of Object.values(feeds)) t.dispose();
    model.dispose();
  }
}
