// Per-visitor cool-down: once a visitor has had a visit at a camera, further visits of the same person there are
// suppressed for `cooldownMs` (someone standing at the door, walking out of view and back). Known visitors are keyed by
// user id (else face id); strangers by descriptor (similar to a recent stranger's combined descriptor). Pure.

export class VisitCooldown {
  private readonly known = new Map<string, number>();
  private strangers: { descriptor: Float32Array; untilMs: number }[] = [];

  constructor(
    private readonly cooldownMs: number,
    private readonly similarity: (a: Float32Array, b: Float32Array) => number,
    /** Similarity (0–100) at which a stranger counts as the same stranger. */
    private readonly sameStranger = 80,
    /** Bound on remembered strangers (oldest forgotten first). */
    private readonly maxStrangers = 256,
  ) {}

  /** True when a visit of this known person may be emitted now (and starts their cool-down). */
  admitKnown(key: string, nowMs: number): boolean {
    const until = this.known.get(key);
    if (until !== undefined && until > nowMs) return false;
    this.known.set(key, nowMs + this.cooldownMs);
    if (this.known.size > 4096) for (const [k, u] of this.known) if (u <= nowMs) this.known.delete(k);
    return true;
  }

  /** True when a visit of this stranger may be emitted now (and remembers them for the cool-down). */
  admitStranger(descriptor: Float32Array, nowMs: number): boolean {
    this.strangers = this.strangers.filter((s) => s.untilMs > nowMs);
    if (this.strangers.some((s) => this.similarity(s.descriptor, descriptor) >= this.sameStranger)) return false;
    this.strangers.push({ descriptor, untilMs: nowMs + this.cooldownMs });
    if (this.strangers.length > this.maxStrangers) this.strangers.shift();
    return true;
  }
}
