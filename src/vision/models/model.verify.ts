// "Each converted model is checked against the original runtime's output before it is used": runs the ONNX bytes
// in ONNX Runtime and the original (tfjs, or the direct TFLite interpreter) on the same input (deterministic noise,
// or the entry's own real input) and bounds the largest difference.
import { FacegateError } from '../../errors.ts';
import { OnnxRuntime } from '../runtime/onnx.runtime.ts';
import type { ModelEntry } from './model.entry.ts';

export interface VerificationResult {
  reference: string;
  maxAbsDiff: number;
  /** maxAbsDiff / max(1, largest |reference value|): comparable across outputs of different scales. */
  relativeDiff: number;
  tolerance: number;
}

/** Park–Miller LCG: the same input on every machine and run. */
export function deterministicInput(n: number, [lo, hi]: [number, number], seed = 42): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return lo + ((hi - lo) * s) / 2147483647;
  });
}

const concreteDims = (shape: (number | string)[]): number[] => shape.map((d) => (typeof d === 'number' ? d : 1));

function fail(entry: ModelEntry, why: string): never {
  throw new FacegateError('MODEL_CONVERSION_FAILED', `${entry.name}: ${why}`);
}

export async function verifyModel(
  entry: ModelEntry,
  sourceDir: string,
  bytes: Uint8Array,
): Promise<VerificationResult | null> {
  const rt = new OnnxRuntime({ threads: 1, source: () => Promise.resolve(bytes) });
  try {
    const session = await rt.session(entry.name);
    const wantIn = entry.inputs.map((i) => i.name);
    const wantOut = entry.outputs.map((o) => o.name);
    if (JSON.stringify([...session.inputNames]) !== JSON.stringify(wantIn))
      fail(entry, `inputs ${session.inputNames.join(',')} differ from the catalogue's ${wantIn.join(',')}`);
    for (const o of wantOut) if (!session.outputNames.includes(o)) fail(entry, `output ${o} is missing`);
    const spec = entry.verify;
    const input = entry.inputs[0]!;
    const dims = concreteDims(input.shape);
    const count = dims.reduce((a, b) => a * b, 1);
    const data = spec?.input ? await spec.input(sourceDir) : deterministicInput(count, spec?.inputRange ?? [0, 1]);
    if (data.length !== count) fail(entry, `verification input has ${data.length} values, the input ${count}`);
    const out = await session.run({ [input.name]: { data, dims } });
    for (const o of entry.outputs) {
      const got = out[o.name]!.dims;
      if (JSON.stringify(got) !== JSON.stringify(concreteDims(o.shape)))
        fail(entry, `output ${o.name} has dims [${got.join(',')}], catalogue says [${o.shape.join(',')}]`);
    }
    if (!spec) return null;
    const ref = await spec.reference(sourceDir, { name: input.name, data, dims });
    let maxAbsDiff = 0;
    let relativeDiff = 0;
    for (const o of entry.outputs) {
      const a = out[o.name]!.data;
      const b = ref[o.name]?.data ?? fail(entry, `the reference gave no output ${o.name}`);
      if (a.length !== b.length) fail(entry, `output ${o.name}: ${a.length} values vs reference ${b.length}`);
      let diff = 0;
      let scale = 1;
      for (let i = 0; i < b.length; i++) {
        diff = Math.max(diff, Math.abs(Number(a[i]) - b[i]!));
        scale = Math.max(scale, Math.abs(b[i]!));
      }
      if (Number.isNaN(diff)) fail(entry, `output ${o.name} differs by NaN`);
      maxAbsDiff = Math.max(maxAbsDiff, diff);
      relativeDiff = Math.max(relativeDiff, diff / scale);
    }
    if (!(relativeDiff <= spec.tolerance))
      fail(
        entry,
        `ONNX output differs from the original by ${relativeDiff.toExponential(2)} (tolerance ${spec.tolerance})`,
      );
    return { reference: spec.referenceName ?? 'tfjs', maxAbsDiff, relativeDiff, tolerance: spec.tolerance };
  } finally {
    await rt.close();
  }
}
