// The audit log's use cases: append (sealing each entry into the chain), query and export, verify the chain,
// redact a person's fields on erasure, and purge by retention. Storage is the AuditStore port.
import { checkEntry, seal } from './audit.chain.ts';
import type { AuditAnchor, AuditDraft, AuditEntry, AuditFilter, AuditStore } from './audit.types.ts';

export interface AuditVerification {
  ok: boolean;
  /** Entries checked (those after the retention anchor). */
  checked: number;
  /** The first problem found, if any. */
  problem?: { seq: number; reason: string };
  anchor: AuditAnchor | null;
}

const PAGE = 1000;

export class AuditService {
  constructor(
    private readonly store: AuditStore,
    private readonly now: () => number = Date.now,
  ) {}

  record(draft: AuditDraft): Promise<AuditEntry> {
    return this.store.append((prev) => seal(draft, prev, this.now()));
  }

  list(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.store.list(filter);
  }

  /** Every entry matching the filter, page by page (for NDJSON export); `limit` is the page size. */
  async *all(filter: Omit<AuditFilter, 'limit' | 'afterSeq'>): AsyncGenerator<AuditEntry> {
    let afterSeq = 0;
    for (;;) {
      const page = await this.store.list({ ...filter, afterSeq, limit: PAGE });
      yield* page;
      if (page.length < PAGE) return;
      afterSeq = page[page.length - 1]!.seq;
    }
  }

  async verify(): Promise<AuditVerification> {
    const anchor = await this.store.anchor();
    let prev: AuditAnchor | null = anchor;
    let checked = 0;
    for await (const e of this.all({})) {
      const reason = checkEntry(e, prev);
      if (reason) return { ok: false, checked, problem: { seq: e.seq, reason }, anchor };
      prev = { seq: e.seq, hash: e.hash };
      checked++;
    }
    return { ok: true, checked, anchor };
  }

  /** Removes the personal fields of every entry naming one of `subjects` (person, face, user or external ids). */
  redact(subjects: string[]): Promise<number> {
    return subjects.length ? this.store.redact(subjects, this.now()) : Promise.resolve(0);
  }

  /** When the subject was last seen in a successful operation (epoch ms), or null. */
  lastAt(subject: string): Promise<number | null> {
    return this.store.lastAt(subject);
  }

  /** Retention: entries older than `maxAgeMs` before `now` leave the log (oldest first). */
  purgeOlderThan(maxAgeMs: number, now = this.now()): Promise<number> {
    return this.store.purgeBefore(now - maxAgeMs);
  }
}
