// Score-level fusion as a single descriptor. Averaging per-model z-scored cosines,
//   Σ (cosᵢ − μᵢ)/σᵢ,
// ranks pairs exactly as the cosine of the concatenation [√wᵢ·dᵢ] with wᵢ = 1/σᵢ (each dᵢ unit length, so the
// concatenation's norm is constant): the μᵢ only shift every score by the same amount. So a fused descriptor can be
// stored and searched like any other, by cosine.
import type { Embedder, FaceGeometry, RgbImage } from './embedder.port.ts';
import { l2normalise } from './onnx.embedder.ts';

export interface FusionPart {
  embedder: Embedder;
  /** Relative weight: 1 / (std of this model's cosine over a pair set), see docs/benchmarks.md. */
  weight: number;
}

export class FusionEmbedder implements Embedder {
  readonly version: string;
  readonly size: number;

  constructor(readonly parts: readonly FusionPart[]) {
    this.version = `fusion(${parts.map((p) => `${p.embedder.version}*${p.weight}`).join('+')})`;
    this.size = parts.reduce((s, p) => s + p.embedder.size, 0);
  }

  /** Builds the fused descriptor from the parts' descriptors (in `parts` order). */
  combine(descriptors: readonly Float32Array[]): Float32Array {
    const out = new Float32Array(this.size);
    let at = 0;
    this.parts.forEach((p, i) => {
      const d = descriptors[i]!;
      const k = Math.sqrt(p.weight);
      for (let j = 0; j < d.length; j++) out[at + j] = d[j]! * k;
      at += d.length;
    });
    return l2normalise(out);
  }

  async embed(image: RgbImage, face: FaceGeometry): Promise<Float32Array> {
    const ds: Float32Array[] = [];
    // Sequential: the runtime is already multi-threaded per model.
    for (const p of this.parts) ds.push(await p.embedder.embed(image, face));
    return this.combine(ds);
  }
}
