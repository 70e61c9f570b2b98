// The BucketQuotaStore contract on SQLite (in memory) and on the test Postgres, a schema of its own.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pgBucketQuotaStore } from '../../src/storage/quota/bucket-quota.pg.ts';
import { sqliteBucketQuotaStore } from '../../src/storage/quota/bucket-quota.sqlite.ts';
import { postgresUrl } from '../helpers/services.ts';
import { bucketQuotaStoreContract } from './bucket-quota.contract.ts';

const PG_URL = postgresUrl();

bucketQuotaStoreContract('sqlite', async () => {
  const db = new Database(':memory:');
  return { store: sqliteBucketQuotaStore(db), close: async () => void db.close() };
});

bucketQuotaStoreContract('postgres', async () => {
  const pool = new pg.Pool({ connectionString: PG_URL, connectionTimeoutMillis: 3000, max: 8 });
  const schema = `quotas_${randomBytes(4).toString('hex')}`;
  try {
    const store = await pgBucketQuotaStore(pool, schema);
    return {
      store,
      close: async () => {
        await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
        await pool.end();
      },
    };
  } catch (e) {
    await pool.end();
    throw new Error(`Postgres at ${PG_URL} is not reachable: ${(e as Error).message}`, { cause: e });
  }
});
