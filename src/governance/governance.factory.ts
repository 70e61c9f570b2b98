// The governance part wired for a deployment: its stores on the deployment's database (a better-sqlite3 handle on
// the embedded default, a pg Pool when governance.databaseUrl is set) and the services over them.
import type { Database } from 'better-sqlite3';
import pg from 'pg';
import { openAppsDatabase } from '../apps/apps.database.ts';
import type { PipelinePrivacyPort as PipelinePrivacy } from '../apps/pipeline/pipeline.privacy.sqlite.ts';
import { peopleHolder, peopleSubject } from '../apps/verify/people.privacy.ts';
import type { VerifyService } from '../apps/verify/verify.service.ts';
import type { CollectionService } from '../collections/collection.service.ts';
import type { Config } from '../config/config.schema.ts';
import type { StateDatabase } from '../db/state.database.ts';
import { consentHolder } from './consent.holder.ts';
import { policyOf, type GovernancePolicy } from './policy.ts';
import { PrivacyService } from './privacy.service.ts';
import { RetentionService, type RetentionPlaces } from './retention.service.ts';
import type { PersonalDataHolder, Subject } from './privacy.types.ts';
import type { DoorPrivacy } from '../apps/door/door.privacy.ts';
import { pgAuditStore } from './audit.pg.ts';
import { AuditService } from './audit.service.ts';
import { sqliteAuditStore } from './audit.sqlite.ts';
import type { AuditStore } from './audit.types.ts';
import { pgConsentStore } from './consent.pg.ts';
import { ConsentService } from './consent.service.ts';
import { sqliteConsentStore } from './consent.sqlite.ts';
import type { ConsentStore } from './consent.types.ts';

export interface GovernanceServices {
  audit: AuditService;
  consent: ConsentService;
}

export interface GovernanceStores {
  audit: AuditStore;
  consent: ConsentStore;
}

export function sqliteGovernanceStores(db: Database): GovernanceStores {
  return { audit: sqliteAuditStore(db), consent: sqliteConsentStore(db) };
}

export async function pgGovernanceStores(pool: pg.Pool, schema = 'public'): Promise<GovernanceStores> {
  return { audit: await pgAuditStore(pool, schema), consent: await pgConsentStore(pool, schema) };
}

export function governanceServices(
  stores: GovernanceStores,
  policy: GovernancePolicy,
  now: () => number = Date.now,
): GovernanceServices {
  return {
    audit: new AuditService(stores.audit, now),
    consent: new ConsentService(stores.consent, policy.consentRequired, () => new Date(now())),
  };
}

export async function openGovernance(
  config: Readonly<Config>,
  dataDir: string,
  database?: StateDatabase,
): Promise<{ value: GovernanceServices; close: () => Promise<void> }> {
  const url = config.governance.databaseUrl;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5000, max: 5 });
    try {
      return {
        value: governanceServices(await pgGovernanceStores(pool, config.governance.databaseSchema), policyOf(config)),
        close: () => pool.end(),
      };
    } catch (e) {
      await pool.end();
      throw e;
    }
  }
  // The deployment's database (its owner closes it): Postgres when FACEGATE_DATABASE_URL is set, else the SQLite file.
  if (database?.pg) {
    const stores = await pgGovernanceStores(database.pg.pool, database.pg.schema);
    return { value: governanceServices(stores, policyOf(config)), close: async () => undefined };
  }
  if (database) {
    return {
      value: governanceServices(sqliteGovernanceStores(database.sqlite.db), policyOf(config)),
      close: async () => undefined,
    };
  }
  const db = openAppsDatabase(dataDir);
  return {
    value: governanceServices(sqliteGovernanceStores(db), policyOf(config)),
    close: async () => void db.close(),
  };
}

/**
 * Erasure and export across the people app, consent, the pipeline's database, the door and camera visit logs
 * (`places`: their holders) and the audit log.
 */
export function privacyService(deps: {
  verify: VerifyService;
  collections: Pick<CollectionService, 'listFaces'>;
  governance: GovernanceServices;
  pipeline: PipelinePrivacy;
  places?: PersonalDataHolder[];
  /** Widens the person's subject by what other parts link to them (door visitors: door.privacy.ts `linked`). */
  linked?: (s: Subject) => Promise<Subject>;
  afterErase?: () => void | Promise<void>;
}): PrivacyService {
  const person = peopleSubject(deps.verify);
  const { linked } = deps;
  return new PrivacyService({
    resolve: linked ? async (id) => linked(await person(id)) : person,
    // The people app last: it resolves the person, so a failed erasure can be retried until it has run.
    holders: [
      deps.pipeline.holder(),
      ...(deps.places ?? []),
      consentHolder(deps.governance.consent),
      peopleHolder(deps.verify, deps.collections),
    ],
    audit: deps.governance.audit,
    ...(deps.afterErase ? { afterErase: deps.afterErase } : {}),
  });
}

/**
 * Export and erasure of a door visitor (the subject is the visitor id): events and SMS naming them, the camera
 * visits naming their faces, then the door's own rows and objects (last: the visitor row resolves the subject).
 */
export function visitorPrivacyService(deps: {
  door: DoorPrivacy;
  camera: PersonalDataHolder;
  governance: GovernanceServices;
  pipeline: PipelinePrivacy;
  afterErase?: () => void | Promise<void>;
}): PrivacyService {
  return new PrivacyService({
    resolve: (visitorId) => deps.door.visitorSubject(visitorId),
    holders: [deps.pipeline.holder(), deps.camera, deps.door.holder()],
    audit: deps.governance.audit,
    ...(deps.afterErase ? { afterErase: deps.afterErase } : {}),
  });
}

/**
 * The retention job over the people app (erasing through `privacy`), the pipeline's database, doors, cameras,
 * liveness sessions and the audit log.
 */
export function retentionService(deps: {
  config: Readonly<Config>;
  governance: GovernanceServices;
  verify: VerifyService;
  privacy: PrivacyService;
  pipeline: { privacy: PipelinePrivacy; service: { list(): Promise<{ name: string }[]> } };
  doors?: RetentionPlaces;
  cameras?: RetentionPlaces;
  liveness?: { purge(): Promise<number> };
  afterPurge?: () => Promise<void>;
  now?: () => number;
}): RetentionService {
  const { verify, privacy } = deps;
  return new RetentionService({
    config: deps.config.governance.retention,
    auditRetentionDays: deps.config.governance.auditRetentionDays,
    audit: deps.governance.audit,
    people: {
      collectionId: verify.collectionId,
      async *all() {
        let after: { name: string; personId: string } | undefined;
        for (;;) {
          const page = await verify.list({ limit: 500, ...(after ? { after } : {}) });
          yield* page;
          const last = page.at(-1);
          if (page.length < 500 || !last) return;
          after = { name: last.name, personId: last.personId };
        }
      },
      // The storage clean-up runs once, after the whole run (afterPurge).
      erase: (id) => privacy.erasePerson(id, { deferCleanup: !!deps.afterPurge }),
    },
    pipeline: {
      names: async () => (await deps.pipeline.service.list()).map((p) => p.name),
      purge: (cutoffs, name) => deps.pipeline.privacy.purge(cutoffs, name),
    },
    ...(deps.doors ? { doors: deps.doors } : {}),
    ...(deps.cameras ? { cameras: deps.cameras } : {}),
    ...(deps.liveness ? { liveness: deps.liveness } : {}),
    ...(deps.afterPurge ? { afterPurge: deps.afterPurge } : {}),
    now: deps.now ?? Date.now,
  });
}
