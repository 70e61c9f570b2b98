// LFW View-2 pairs files (`pairs.txt`, and the 5-fold `pairs-dev.txt` of ../shared/datasets/lfw): a header
// `<folds>\t<n>` then, per fold, n same-person lines `name i j` and n different-person lines `name1 i name2 j`.
import { FacegateError } from '../../errors.ts';

export interface LfwPair {
  /** 0-based fold index. */
  fold: number;
  /** Image paths relative to the images folder: `Name/Name_0001.jpg`. */
  a: string;
  b: string;
  same: boolean;
}

export interface LfwPairs {
  folds: number;
  perFold: number;
  pairs: LfwPair[];
}

export function lfwImagePath(name: string, index: number): string {
  return `${name}/${name}_${String(index).padStart(4, '0')}.jpg`;
}

function imageIndex(s: string, line: number): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1)
    throw new FacegateError('INVALID_PARAMETER', `pairs line ${line}: bad image number "${s}"`);
  return n;
}

export function parsePairs(text: string): LfwPairs {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  const folds = Number(header[0]);
  const perFold = Number(header[1]);
  if (header.length !== 2 || !Number.isInteger(folds) || !Number.isInteger(perFold) || folds < 1 || perFold < 1) {
    throw new FacegateError(
      'INVALID_PARAMETER',
      `pairs header must be "<folds> <pairs per class>", got "${lines[0] ?? ''}"`,
    );
  }
  const expected = folds * perFold * 2;
  if (lines.length - 1 !== expected) {
    throw new FacegateError(
      'INVALID_PARAMETER',
      `pairs file has ${lines.length - 1} pairs, header promises ${expected}`,
    );
  }
  const pairs: LfwPair[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    const k = i - 1;
    const fold = Math.floor(k / (2 * perFold));
    const same = k % (2 * perFold) < perFold;
    if (same && f.length === 3) {
      pairs.push({
        fold,
        same,
        a: lfwImagePath(f[0]!, imageIndex(f[1]!, i + 1)),
        b: lfwImagePath(f[0]!, imageIndex(f[2]!, i + 1)),
      });
    } else if (!same && f.length === 4) {
      pairs.push({
        fold,
        same,
        a: lfwImagePath(f[0]!, imageIndex(f[1]!, i + 1)),
        b: lfwImagePath(f[2]!, imageIndex(f[3]!, i + 1)),
      });
    } else {
      throw new FacegateError(
        'INVALID_PARAMETER',
        `pairs line ${i + 1}: expected a ${same ? 'same' : 'different'}-person line`,
      );
    }
  }
  return { folds, perFold, pairs };
}

/** Every distinct image the pairs use, sorted. */
export function pairImages(pairs: readonly LfwPair[]): string[] {
  return [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
}
