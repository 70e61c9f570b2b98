// The retention job: applies the schedules (retention.schema.ts) with an injected clock and reports what it
// removed. People are erased through the PrivacyService (everywhere, as an erasure request would); the pipeline's
// rows through its own purge; doors and cameras through theirs; the audit log through its prefix purge. Liveness
// sessions have a fixed lifetime (an hour, liveness.service.ts): the run sweeps them too and reports how many went,
// and the sessions linked to the people it erased (`people.liveness`).
import type { AuditService } from './audit.service.ts';
import type { RetentionConfig, Schedule } from './retention.schema.ts';

export interface RetentionPeople {
  collectionId: string;
  /** Every person of the collection (id and registration time). */
  all(): AsyncIterable<{ personId: string; createdAt: Date }>;
  /** The erasure's report (`removed` per holder), when there is one. */
  erase(personId: string): Promise<{ removed: Record<string, number> } | void>;
}

export interface RetentionPipeline {
  names(): Promise<string[]>;
  purge(
    cutoffs: { events?: number; deliveries?: number; sms?: number; runs?: number; records?: number },
    pipeline?: string,
  ): Promise<Record<string, number>>;
}

/** Doors or cameras: their ids, and the purge of one of them with the cutoffs (epoch ms) of its schedule. */
export interface RetentionPlaces {
  names(): Promise<string[]>;
  /** `now`: the job's clock (epoch ms). */
  purge(
    id: string,
    cutoffs: { unknownFrames?: number; visits?: number; attempts?: number },
    now: number,
  ): Promise<Record<string, number>>;
}

export interface RetentionReport {
  ranAt: string;
  /** Items removed, by `part.kind` (e.g. `pipeline:default.faces`, `people`, `audit`). */
  removed: Record<string, number>;
}

export class RetentionService {
  constructor(
    private readonly deps: {
      config: RetentionConfig;
      /** Used when the default schedule has no `audit` (days; 0 = keep). */
      auditRetentionDays: number;
      audit: AuditService;
      people?: RetentionPeople;
      pipeline?: RetentionPipeline;
      doors?: RetentionPlaces;
      cameras?: RetentionPlaces;
      /** Deletes liveness sessions past their lifetime; returns how many. */
      liveness?: { purge(): Promise<number> };
      /** After a run that removed anything: leave no old page image of the rows (governance/erasure.storage.ts). */
      afterPurge?: () => Promise<void>;
      now: () => number;
    },
  ) {}

  /** The schedule that applies to a collection or pipeline: its override over the default, kind by kind. */
  scheduleFor(kind: 'collections' | 'pipelines' | 'doors' | 'cameras', name: string): Schedule {
    return { ...this.deps.config.default, ...(this.deps.config[kind][name] ?? {}) };
  }

  private auditMs(): number | undefined {
    return (
      this.deps.config.default.audit ??
      (this.deps.auditRetentionDays ? this.deps.auditRetentionDays * 86_400_000 : undefined)
    );
  }

  /** The effective schedules, in ms, for GET /v1/retention and the console. */
  async describe(): Promise<{
    audit: number | null;
    collections: Record<string, Schedule>;
    pipelines: Record<string, Schedule>;
    doors: Record<string, Schedule>;
    cameras: Record<string, Schedule>;
  }> {
    const collections: Record<string, Schedule> = {};
    const names = new Set([
      ...Object.keys(this.deps.config.collections),
      ...(this.deps.people ? [this.deps.people.collectionId] : []),
    ]);
    for (const c of names) collections[c] = this.scheduleFor('collections', c);
    const pipelines: Record<string, Schedule> = {};
    const pnames = new Set([
      ...Object.keys(this.deps.config.pipelines),
      ...((await this.deps.pipeline?.names()) ?? []),
    ]);
    for (const p of pnames) pipelines[p] = this.scheduleFor('pipelines', p);
    const places = async (kind: 'doors' | 'cameras', p: RetentionPlaces | undefined) => {
      const out: Record<string, Schedule> = {};
      const ids = new Set([...Object.keys(this.deps.config[kind]), ...((await p?.names()) ?? [])]);
      for (const id of ids) out[id] = this.scheduleFor(kind, id);
      return out;
    };
    return {
      audit: this.auditMs() ?? null,
      collections,
      pipelines,
      doors: await places('doors', this.deps.doors),
      cameras: await places('cameras', this.deps.cameras),
    };
  }

  async run(): Promise<RetentionReport> {
    const now = this.deps.now();
    const removed: Record<string, number> = {};
    const cut = (ms: number | undefined) => (ms === undefined ? undefined : now - ms);

    const { people, pipeline, audit } = this.deps;
    if (people) {
      const ttl = this.scheduleFor('collections', people.collectionId).people;
      if (ttl !== undefined) {
        let n = 0;
        let sessions: number | undefined;
        const due: string[] = [];
        for await (const p of people.all()) {
          const last = Math.max(p.createdAt.getTime(), (await audit.lastAt(p.personId)) ?? 0);
          if (last < now - ttl) due.push(p.personId);
        }
        for (const id of due) {
          const report = await people.erase(id);
          const linked = report?.removed.liveness;
          if (linked !== undefined) sessions = (sessions ?? 0) + linked;
          n++;
        }
        removed.people = n;
        if (sessions !== undefined) removed['people.liveness'] = sessions;
      }
    }
    if (pipeline) {
      for (const name of await pipeline.names()) {
        const s = this.scheduleFor('pipelines', name);
        const got = await pipeline.purge({ records: cut(s.faces), runs: cut(s.runs), events: cut(s.events) }, name);
        for (const [k, v] of Object.entries(got)) removed[`pipeline:${name}.${k === 'records' ? 'faces' : k}`] = v;
      }
      const d = this.deps.config.default;
      const got = await pipeline.purge({ deliveries: cut(d.deliveries), sms: cut(d.sms) });
      for (const [k, v] of Object.entries(got)) removed[k] = v;
    }
    for (const kind of ['doors', 'cameras'] as const) {
      const places = this.deps[kind];
      // Places with an override are purged even when gone (a deleted camera's visits still age out).
      const ids = places ? new Set([...(await places.names()), ...Object.keys(this.deps.config[kind])]) : [];
      for (const id of ids) {
        const s = this.scheduleFor(kind, id);
        const cutoffs = { unknownFrames: cut(s.unknownFrames), visits: cut(s.visits), attempts: cut(s.attempts) };
        if (Object.values(cutoffs).every((c) => c === undefined)) continue;
        const got = await places!.purge(id, cutoffs, now);
        for (const [k, v] of Object.entries(got)) removed[`${kind === 'doors' ? 'door' : 'camera'}:${id}.${k}`] = v;
      }
    }
    if (this.deps.liveness) removed['liveness.sessions'] = await this.deps.liveness.purge();
    const auditMs = this.auditMs();
    if (auditMs !== undefined) removed.audit = await audit.purgeOlderThan(auditMs, now);
    if (Object.values(removed).some((n) => n > 0)) await this.deps.afterPurge?.();
    return { ranAt: new Date(now).toISOString(), removed };
  }
}
