// Admission in front of the engine: an image request is let in only if it can expect a slot within `maxWaitMs`
// (in its client's turn), its client has fewer than `perClient` requests admitted, and fewer than `maxAdmitted` are
// admitted in all.
// Otherwise it is refused at once with THROTTLED and a Retry-After, instead of queueing for seconds: ThrottlingException
// on the Rekognition protocol (the SDKs back off and retry), 429 + Retry-After on REST. The expected wait is the work
// ahead of the client's next turn (admitted requests and background analyses) spread over the slots, at the engine
// time a request has taken recently (a moving average, so the bound follows the machine's actual speed, shared or not).
import { FacegateError } from '../../errors.ts';
import { BACKGROUND_CLIENT } from './request.scope.ts';
import type { SlotScheduler } from './slot.scheduler.ts';

export interface AdmissionOptions {
  /** Longest expected queue wait (ms) a request is admitted with. */
  maxWaitMs: number;
  /** Requests one client (API key, SigV4 principal or address) may have admitted at once. */
  perClient: number;
  /** Requests admitted at once in all, however fast the engine is. */
  maxAdmitted: number;
  /** Engine time of a request (ms) assumed before any was measured. */
  initialRequestMs?: number;
}

/** An admitted request: carries its client for the scheduler's turns, and what engine time it used. */
export class Ticket {
  engineMs = 0;
  private released = false;

  constructor(
    readonly client: string,
    private readonly onRelease: (t: Ticket) => void,
  ) {}

  charge(ms: number): void {
    this.engineMs += ms;
  }

  /** Frees the request's place; safe to call more than once. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease(this);
  }
}

/** Weight of the newest request in the moving average of engine time per request. */
const ALPHA = 0.2;

export class Admission {
  private admitted = 0;
  private refused = 0;
  private readonly byClient = new Map<string, number>();
  private requestMs: number;

  constructor(
    readonly scheduler: SlotScheduler,
    private readonly o: AdmissionOptions,
  ) {
    this.requestMs = o.initialRequestMs ?? 50;
  }

  /** Admits a request of `client` or throws THROTTLED (details.retryAfter in whole seconds). */
  admit(client: string): Ticket {
    const mine = this.byClient.get(client) ?? 0;
    const wait = this.expectedWaitMs(client);
    if (mine >= this.o.perClient) {
      throw this.refuse(`This client already has ${mine} image requests in progress`, wait);
    }
    if (this.admitted >= this.o.maxAdmitted || wait > this.o.maxWaitMs) {
      throw this.refuse('The server is at capacity', wait);
    }
    this.admitted++;
    this.byClient.set(client, mine + 1);
    return new Ticket(client, (t) => this.release(t));
  }

  /**
   * What a request of `client` admitted now can expect to wait for a slot (ms). Clients take turns (slot.scheduler.ts),
   * so ahead of a client's next request are its own admitted ones and, of every other client, at most one more than
   * that: a flooding client waits behind its own backlog, a client with nothing in progress only behind one turn of
   * each active client.
   */
  expectedWaitMs(client = ''): number {
    const mine = this.byClient.get(client) ?? 0;
    let ahead = Math.min(this.scheduler.loadOf(BACKGROUND_CLIENT), mine + 1);
    for (const n of this.byClient.values()) ahead += Math.min(n, mine + 1);
    const slots = this.scheduler.slots;
    return (Math.max(0, ahead + 1 - slots) / slots) * this.requestMs;
  }

  get stats(): { admitted: number; refused: number; clients: number; requestMs: number; expectedWaitMs: number } {
    return {
      admitted: this.admitted,
      refused: this.refused,
      clients: this.byClient.size,
      requestMs: Math.round(this.requestMs * 10) / 10,
      expectedWaitMs: Math.round(this.expectedWaitMs()),
    };
  }

  private release(t: Ticket): void {
    this.admitted--;
    const n = (this.byClient.get(t.client) ?? 1) - 1;
    if (n > 0) this.byClient.set(t.client, n);
    else this.byClient.delete(t.client);
    // Requests that never reached the engine (refused input) say nothing about its speed.
    if (t.engineMs > 0) this.requestMs += ALPHA * (t.engineMs - this.requestMs);
  }

  private refuse(reason: string, waitMs: number): FacegateError {
    this.refused++;
    const retryAfter = Math.min(60, Math.max(1, Math.ceil(waitMs / 1000)));
    return new FacegateError('THROTTLED', `${reason}; retry after ${retryAfter} s`, { details: { retryAfter } });
  }
}
