// Daily request counts for bearer-token principals (JWT subjects), which have no row in the key store. Kept in
// memory per process: a restart or a second instance starts its own count (API keys' quotas are the durable ones).
import { FacegateError } from '../../../errors.ts';
import { secondsToUtcMidnight, utcDay } from './apikey.service.ts';

export class DailyCounter {
  private day = '';
  private counts = new Map<string, number>();

  constructor(
    /** Requests per UTC day; 0 = unlimited. */
    private readonly quota: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Counts one request; QUOTA_EXCEEDED (with retryAfter) past the quota. */
  count(principal: string): void {
    if (this.quota === 0) return;
    const now = this.now();
    const today = utcDay(now);
    if (today !== this.day) {
      this.day = today;
      this.counts = new Map();
    }
    const used = (this.counts.get(principal) ?? 0) + 1;
    this.counts.set(principal, used);
    if (used > this.quota) {
      throw new FacegateError('QUOTA_EXCEEDED', `The daily quota of ${this.quota} requests is used up`, {
        details: { retryAfter: secondsToUtcMidnight(now), quota: this.quota },
      });
    }
  }
}
