// A token bucket per principal, in memory: `ratePerSecond` tokens refill continuously up to `burst`. One process
// enforces its own buckets; behind a load balancer each instance limits separately (the daily quota, in the store,
// is the global cap).

/** Above this many tracked principals, full buckets are dropped before adding another. */
const MAX_BUCKETS = 10_000;

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until one token is available (for Retry-After); 0 when allowed. */
  retryAfter: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    /** Milliseconds; injected so tests control time without sleeping. */
    private readonly nowMs: () => number = Date.now,
  ) {}

  take(principal: string): RateDecision {
    const now = this.nowMs();
    if (this.buckets.size >= MAX_BUCKETS) this.prune(now);
    const b = this.buckets.get(principal) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
    b.at = now;
    this.buckets.set(principal, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, retryAfter: 0 };
    }
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerSecond)) };
  }

  /** Buckets that have refilled completely carry no state worth keeping: drop them (anonymous IPs add up). */
  private prune(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.ratePerSecond >= this.burst) this.buckets.delete(k);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
