// The engine's slots: at most `slots` analyses run at once (one per worker thread, or vision.concurrency in process);
// the rest wait. Waiting work is served round-robin across clients, oldest first within a client, so one client
// with many requests queued cannot hold the slots while another client's single request waits behind them.

interface Waiter {
  start: () => void;
}

export class SlotScheduler {
  private running = 0;
  /** Clients with waiting work, in turn order (a Map keeps insertion order; a served client moves to the back). */
  private readonly queues = new Map<string, Waiter[]>();
  private readonly load = new Map<string, number>();
  private waitingCount = 0;

  constructor(readonly slots: number) {
    if (!(slots >= 1)) throw new RangeError('the engine needs at least 1 slot');
  }

  /** Runs `task` in a slot on behalf of `client`; the slot is freed however the task ends. */
  async run<T>(client: string, task: () => Promise<T>): Promise<T> {
    this.load.set(client, (this.load.get(client) ?? 0) + 1);
    try {
      if (this.running < this.slots) this.running++;
      else await this.enqueue(client);
      try {
        return await task();
      } finally {
        this.next();
      }
    } finally {
      const n = (this.load.get(client) ?? 1) - 1;
      if (n > 0) this.load.set(client, n);
      else this.load.delete(client);
    }
  }

  /** Tasks of this client waiting or running. */
  loadOf(client: string): number {
    return this.load.get(client) ?? 0;
  }

  get waiting(): number {
    return this.waitingCount;
  }

  get active(): number {
    return this.running;
  }

  private enqueue(client: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const q = this.queues.get(client);
      if (q) q.push({ start: resolve });
      else this.queues.set(client, [{ start: resolve }]);
      this.waitingCount++;
    });
  }

  /** Hands the freed slot to the next client in turn (the slot stays taken), or frees it. */
  private next(): void {
    const first = this.queues.entries().next();
    if (first.done) {
      this.running--;
      return;
    }
    const [client, q] = first.value;
    const waiter = q.shift()!;
    this.queues.delete(client);
    if (q.length) this.queues.set(client, q);
    this.waitingCount--;
    waiter.start();
  }
}
