// A bounded min-heap that keeps the k best (score, id) pairs. Order: higher score first, then smaller id, so results
// are stable across runs and drivers.

export interface Scored {
  id: string;
  score: number;
}

/** True when a ranks before b. */
export const better = (a: Scored, b: Scored): boolean => a.score > b.score || (a.score === b.score && a.id < b.id);

export class TopK {
  private readonly heap: Scored[] = [];
  constructor(private readonly k: number) {}

  /** The worst kept score once full (candidates below it cannot enter), else -Infinity. */
  get floor(): number {
    return this.heap.length < this.k ? -Infinity : this.heap[0]!.score;
  }

  push(item: Scored): void {
    const h = this.heap;
    if (this.k <= 0) return;
    if (h.length < this.k) {
      h.push(item);
      this.up(h.length - 1);
    } else if (better(item, h[0]!)) {
      h[0] = item;
      this.down(0);
    }
  }

  /** Best first. */
  sorted(): Scored[] {
    return [...this.heap].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      // Min-heap by rank: the parent must be worse than (rank after) the child.
      if (!better(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < h.length && better(h[worst]!, h[l]!)) worst = l;
      if (r < h.length && better(h[worst]!, h[r]!)) worst = r;
      if (worst === i) return;
      [h[worst], h[i]] = [h[i]!, h[worst]!];
      i = worst;
    }
  }
}
