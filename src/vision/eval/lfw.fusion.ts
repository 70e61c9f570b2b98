// Score-level fusion of several descriptors' pair scores: each model's cosine divided by its standard deviation
// over the pair set (a z-score up to a constant shift), summed. Uses no labels; the weights it reports are the
// ones FusionEmbedder needs to reproduce the same ranking with a single concatenated descriptor.
import type { ScoredPair } from './lfw.metrics.ts';

export function fuseScores(parts: readonly ScoredPair[][]): { scored: ScoredPair[]; weights: number[] } {
  const weights = parts.map((p) => {
    const mean = p.reduce((s, x) => s + x.score, 0) / p.length;
    const sd = Math.sqrt(p.reduce((s, x) => s + (x.score - mean) ** 2, 0) / p.length);
    return 1 / sd;
  });
  const first = parts[0] ?? [];
  const scored = first.map((p, i) => ({
    fold: p.fold,
    same: p.same,
    score: parts.reduce((s, part, k) => s + weights[k]! * part[i]!.score, 0) / weights.reduce((a, b) => a + b, 0),
  }));
  return { scored, weights };
}
