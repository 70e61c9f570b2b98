// A descriptor model run through the InferenceRuntime: the model-specific part is data (which chip, which input
// normalisation, which output); the mechanics (batching a mirrored chip for flip test-time augmentation, unit
// length, validating the output) are shared.
import { FacegateError } from '../../errors.ts';
import { toTensor, type TensorOptions } from '../geometry/affine.warp.ts';
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import type { Embedder, FaceGeometry, RgbImage } from './embedder.port.ts';
import { mirrored } from './face.align.ts';

export interface DescriptorModelSpec {
  /** Stored with every descriptor: bump when the chip, normalisation or model changes. */
  version: string;
  /** Catalogue name for runtime.session(). */
  model: string;
  /** Output tensor name; the first output when absent. */
  output?: string;
  size: number;
  /** The model's input chip (size×size RGB) for a face. */
  chip: (image: RgbImage, face: FaceGeometry) => RgbImage;
  /** Byte → float input normalisation. */
  normalise: TensorOptions;
}

export function l2normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s);
  if (!(n > 0) || !Number.isFinite(n))
    throw new FacegateError('INTERNAL', 'descriptor model produced a zero or non-finite vector');
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

export class OnnxEmbedder implements Embedder {
  readonly version: string;
  readonly size: number;

  /** `flip`: also embed the mirrored chip and average the two unit descriptors (test-time augmentation). */
  constructor(
    private readonly runtime: InferenceRuntime,
    readonly spec: DescriptorModelSpec,
    readonly flip = false,
  ) {
    this.version = flip ? `${spec.version}+flip` : spec.version;
    this.size = spec.size;
  }

  async embed(image: RgbImage, face: FaceGeometry): Promise<Float32Array> {
    const chip = this.spec.chip(image, face);
    const chips = this.flip ? [chip, mirrored(chip)] : [chip];
    const px = chip.width * chip.height * 3;
    const input = new Float32Array(px * chips.length);
    chips.forEach((c, i) => toTensor(c, this.spec.normalise, input.subarray(i * px, (i + 1) * px)));
    const session = await this.runtime.session(this.spec.model);
    const inputName = session.inputNames[0];
    const outputName = this.spec.output ?? session.outputNames[0];
    if (!inputName || !outputName) throw new FacegateError('INTERNAL', `model ${this.spec.model} has no input/output`);
    const dims = this.spec.normalise.planar
      ? [chips.length, 3, chip.height, chip.width]
      : [chips.length, chip.height, chip.width, 3];
    const out = (await session.run({ [inputName]: { data: input, dims } }))[outputName];
    if (!out || !(out.data instanceof Float32Array) || out.data.length !== this.size * chips.length) {
      throw new FacegateError('INTERNAL', `model ${this.spec.model} returned no ${this.size}-d descriptor`);
    }
    if (chips.length === 1) return l2normalise(out.data);
    const a = l2normalise(out.data.subarray(0, this.size));
    const b = l2normalise(out.data.subarray(this.size));
    for (let i = 0; i < this.size; i++) a[i]! += b[i]!;
    return l2normalise(a);
  }
}
