// The deployment's state database, chosen by one setting: FACEGATE_DATABASE_URL unset → the embedded SQLite file
// (<dataDir>/facegate.db, src/db/sqlite.database.ts); postgres://… → Postgres (src/db/pg.database.ts) for the
// collections, people, proctor candidates and API keys. The SQLite file is opened in both cases: on Postgres it still
// holds the pipeline's queue, runs, outbox and deliveries, which have no Postgres driver yet (docs/storage.md).
import type { Config } from '../config/config.schema.ts';
import { openPgDatabase, type PgDatabase } from './pg.database.ts';
import { openDeploymentDatabase, type DeploymentDatabase } from './sqlite.database.ts';

export interface StateDatabase {
  /** The embedded database (every SQLite store takes `sqlite.db`). */
  readonly sqlite: DeploymentDatabase;
  /** Postgres, when FACEGATE_DATABASE_URL is set (every Postgres store takes `pg.pool` and `pg.schema`). */
  readonly pg?: PgDatabase;
  close(): Promise<void>;
}

export function openStateDatabase(config: Pick<Config, 'database' | 'collections'>, dataDir: string): StateDatabase {
  const sqlite = openDeploymentDatabase(dataDir, { synchronous: config.collections.synchronous });
  const { url, schema, poolSize } = config.database;
  const pg = url ? openPgDatabase(url, schema, poolSize) : undefined;
  return {
    sqlite,
    ...(pg && { pg }),
    close: async () => {
      try {
        await pg?.close();
      } finally {
        sqlite.close();
      }
    },
  };
}
