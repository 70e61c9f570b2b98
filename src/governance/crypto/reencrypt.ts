// `facegate keys reencrypt`: after `rotate-data-key`, re-seals every stored descriptor under the active data key,
// where the deployment keeps them: the metadata store's descriptor column (SQLite or Postgres) and, on Postgres, the
// rows the in-process index is kept in step from (vector_rows). Descriptors stored before encryption was switched on
// are sealed too. pgvector's column is not touched: it cannot be sealed (docs/privacy.md).
import pg from 'pg';
import { holdDataDir } from '../../app/datadir.lock.ts';
import { openPgMetadataStore } from '../../collections/pg.metadata.driver.ts';
import { SqliteMetadataStore } from '../../collections/sqlite.metadata.driver.ts';
import { resealVectorRows } from '../../collections/synced.vector.reseal.ts';
import type { Config } from '../../config/config.schema.ts';
import { openDeploymentDatabase } from '../../db/sqlite.database.ts';
import { FacegateError } from '../../errors.ts';
import { descriptorCipherOf } from './crypto.factory.ts';

export interface ReencryptReport {
  engine: 'sqlite' | 'postgres';
  /** Face descriptors re-sealed in the metadata store. */
  faces: number;
  /** Rows of the in-process index's table re-sealed (Postgres without pgvector). */
  vectorRows: number;
}

/**
 * SQLite: holds the data directory (the server must be stopped), then checkpoints the WAL so that no page image of
 * the old ciphertexts stays in it. Postgres: runs beside serving processes (a row changed or deleted meanwhile is
 * left as it is); the old row versions stay until vacuumed.
 */
export async function reencryptDescriptors(config: Readonly<Config>): Promise<ReencryptReport> {
  const cipher = descriptorCipherOf(config, config.dataDir);
  if (!cipher) {
    throw new FacegateError(
      'INVALID_PARAMETER',
      'Encryption at rest is off: set FACEGATE_MASTER_KEY or FACEGATE_MASTER_KEY_FILE',
    );
  }
  const { url, schema } = config.database;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5000, max: 2 });
    try {
      const store = await openPgMetadataStore(pool, schema, { descriptorCipher: cipher });
      const faces = await store.resealDescriptors();
      return { engine: 'postgres', faces, vectorRows: await resealVectorRows(pool, schema, cipher) };
    } finally {
      await pool.end();
    }
  }
  const release = holdDataDir(config.dataDir);
  const database = openDeploymentDatabase(config.dataDir);
  try {
    const store = new SqliteMetadataStore({ db: database.db, descriptorCipher: cipher });
    const faces = await store.resealDescriptors();
    database.erase();
    return { engine: 'sqlite', faces, vectorRows: 0 };
  } finally {
    database.close();
    release();
  }
}
