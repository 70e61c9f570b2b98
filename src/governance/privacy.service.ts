// Subject access (export) and erasure of a person across every part that holds their data. The people app
// resolves who the person is (ids, faces, texts); each holder exports or erases its share. Erasure runs every
// holder even when one fails, then reports the failure: a retry finishes the job (holders are idempotent).
// The audit log goes last; the erasure's own entry names nobody (api/rest/rest.audit.ts). Holders run in order, so the
// one that resolves the person (the people app) comes last and a failed erasure can be retried.
import { FacegateError } from '../errors.ts';
import type { AuditService } from './audit.service.ts';
import type { ExportedFile, PersonalDataHolder, Subject } from './privacy.types.ts';

export interface PersonExport {
  format: 'facegate.person-export.v1';
  exportedAt: string;
  personId: string;
  /** One section per holder: its records, and its files as base64. */
  sections: Record<string, { records: unknown; files: { name: string; base64: string }[] }>;
}

export interface ErasureReport {
  personId: string;
  /** Items removed per holder (audit: entries redacted). */
  removed: Record<string, number>;
}

export class PrivacyService {
  constructor(
    private readonly deps: {
      /** Who the person is; NOT_FOUND when unknown. */
      resolve: (personId: string) => Promise<Subject>;
      holders: PersonalDataHolder[];
      audit: AuditService;
      now?: () => Date;
      /**
       * After an erasure: leave no old page image of the deleted rows (SQLite: checkpoint the WAL, TRUNCATE;
       * Postgres: vacuum the personal tables). Runs outside the erasure's transactions.
       */
      afterErase?: () => void | Promise<void>;
    },
  ) {}

  async exportPerson(personId: string): Promise<PersonExport> {
    const subject = await this.deps.resolve(personId);
    const sections: PersonExport['sections'] = {};
    for (const h of this.deps.holders) {
      const out = await h.export(subject);
      sections[h.name] = { records: out.records, files: (out.files ?? []).map(b64) };
    }
    const ids = [subject.personId, ...subject.faceIds, ...subject.externalIds];
    const audit = [];
    for (const id of new Set(ids)) audit.push(...(await this.deps.audit.list({ subject: id, limit: 10_000 })));
    const unique = [...new Map(audit.map((e) => [e.seq, e])).values()].sort((a, b) => a.seq - b.seq);
    sections.audit = { records: unique, files: [] };
    return {
      format: 'facegate.person-export.v1',
      exportedAt: (this.deps.now?.() ?? new Date()).toISOString(),
      personId,
      sections,
    };
  }

  /** `deferCleanup`: the caller runs `afterErase` itself, once for many erasures (the retention job). */
  async erasePerson(personId: string, options: { deferCleanup?: boolean } = {}): Promise<ErasureReport> {
    const subject = await this.deps.resolve(personId);
    const removed: Record<string, number> = {};
    const failures: string[] = [];
    for (const h of this.deps.holders) {
      try {
        removed[h.name] = await h.erase(subject);
      } catch (e) {
        failures.push(`${h.name}: ${(e as Error).message}`);
      }
    }
    removed.audit = await this.deps.audit.redact([
      ...new Set([subject.personId, ...subject.faceIds, ...subject.externalIds]),
    ]);
    if (!options.deferCleanup) await this.deps.afterErase?.();
    if (failures.length) {
      throw new FacegateError('INTERNAL', `Erasure of ${personId} is incomplete; retry it`, {
        cause: new Error(failures.join('; ')),
      });
    }
    return { personId, removed };
  }
}

const b64 = (f: ExportedFile) => ({ name: f.name, base64: Buffer.from(f.bytes).toString('base64') });
