// `facegate keys reencrypt`: after `rotate-data-key`, re-seals every stored descriptor under the active data key,
// where the deployment keeps them: the metadata store's descriptor column (SQLite or Postgres), on Postgres the
// rows the in-process index is kept in step from (vector_rows), and the door's unknown visitors (door_pending,
// door_denials, in the door's own Postgres when it has one). Descriptors stored before encryption was switched on
// are sealed too. pgvector's column is not touched: it cannot be sealed (docs/privacy.md).
import type { Database } from 'better-sqlite3';
import pg from 'pg';
import { holdDataDir } from '../../app/datadir.lock.ts';
import { pgDoorStore } from '../../apps/door/door.pg.driver.ts';
import { sqliteDoorStore } from '../../apps/door/door.sqlite.driver.ts';
import type { BlobCipher } from '../../collections/metadata.port.ts';
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
  /** Unknown visitors' descriptors re-sealed (door_pending, door_denials). */
  door: number;
}

const pool = (url: string) => new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5000, max: 2 });

/**
 * The door's rows are in the deployment database unless FACEGATE_DOOR_DATABASE_URL names another (door.factory.ts):
 * then they are re-sealed there. `sqlite` is the deployment's handle on an embedded deployment.
 */
async function resealDoor(
  config: Readonly<Config>,
  cipher: BlobCipher,
  deployment: pg.Pool | Database,
): Promise<number> {
  const { databaseUrl: own, databaseSchema } = config.door;
  const shared = !own || (own === config.database.url && databaseSchema === config.database.schema);
  if (!shared) {
    const door = pool(own);
    try {
      return await (await pgDoorStore(door, databaseSchema, cipher)).resealDescriptors();
    } finally {
      await door.end();
    }
  }
  if (deployment instanceof pg.Pool) {
    return (await pgDoorStore(deployment, config.database.schema, cipher)).resealDescriptors();
  }
  return sqliteDoorStore(deployment, cipher).resealDescriptors();
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
    const deployment = pool(url);
    try {
      const store = await openPgMetadataStore(deployment, schema, { descriptorCipher: cipher });
      const faces = await store.resealDescriptors();
      const vectorRows = await resealVectorRows(deployment, schema, cipher);
      return { engine: 'postgres', faces, vectorRows, door: await resealDoor(config, cipher, deployment) };
    } finally {
      await deployment.end();
    }
  }
  const release = holdDataDir(config.dataDir);
  const database = openDeploymentDatabase(config.dataDir);
  try {
    const store = new SqliteMetadataStore({ db: database.db, descriptorCipher: cipher });
    const faces = await store.resealDescriptors();
    const door = await resealDoor(config, cipher, database.db);
    database.erase();
    return { engine: 'sqlite', faces, vectorRows: 0, door };
  } finally {
    database.close();
    release();
  }
}
