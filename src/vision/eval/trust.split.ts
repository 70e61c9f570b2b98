// The fixed choose / confirm split of every evaluation set (docs/trust.md, "The split"). Anything tuned — a
// threshold, a calibration knot, a fusion weight, a detector setting — is chosen on the choose part only; the confirm
// part is scored once per candidate already chosen, and both are reported. The split is a pure function of the data
// (LFW fold, or a hash of the file's path), so it cannot drift between runs or machines.
import type { LfwPair } from './lfw.pairs.ts';

export type SplitPart = 'choose' | 'confirm';

/** LFW View-2 folds 1–3 (0-based 0–2) choose, folds 4–5 confirm. The folds are identity-disjoint. */
export const LFW_CHOOSE_FOLDS = 3;

export const lfwFoldPart = (fold: number): SplitPart => (fold < LFW_CHOOSE_FOLDS ? 'choose' : 'confirm');

/** 32-bit FNV-1a of a string's UTF-16 code units (stable, dependency-free). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** For path-keyed sets (face_counts.csv, the label list): even FNV-1a hash of the CSV path → choose, odd → confirm. */
export const pathPart = (path: string): SplitPart => (fnv1a(path) % 2 === 0 ? 'choose' : 'confirm');

/**
 * Each LFW image's part, from the fold of the pairs that use it. Identities do not cross folds in View 2, so an
 * image (and its person) belongs to exactly one part; an image used by pairs of both parts would be a data error.
 */
export function lfwImageParts(pairs: readonly LfwPair[]): Map<string, SplitPart> {
  const parts = new Map<string, SplitPart>();
  for (const p of pairs) {
    for (const k of [p.a, p.b]) {
      const part = lfwFoldPart(p.fold);
      const had = parts.get(k);
      if (had && had !== part) throw new RangeError(`${k} is used by pairs of both the choose and confirm folds`);
      parts.set(k, part);
    }
  }
  return parts;
}

/** The part of an LFW person (folder name), for sets keyed by LFW path such as gender.csv. */
export function lfwPersonParts(pairs: readonly LfwPair[]): Map<string, SplitPart> {
  const persons = new Map<string, SplitPart>();
  for (const [k, part] of lfwImageParts(pairs)) persons.set(k.split('/')[0]!, part);
  return persons;
}
