// The ApiKeyStore contract on SQLite (in memory) and on the test Postgres (test/helpers/services.ts), a schema of its
// own per test. Postgres down → the connection fails within 3 s, clearly.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sqliteApiKeyStore } from '../../../src/api/rest/keys/apikey.sqlite.ts';
import { pgApiKeyStore } from '../../../src/api/rest/keys/apikey.pg.ts';
import { postgresUrl } from '../../helpers/services.ts';
import { apiKeyStoreContract } from './apikey.store.contract.ts';

const PG_URL = postgresUrl();

apiKeyStoreContract('sqlite', async () => {
  const db = new Database(':memory:');
  return { store: sqliteApiKeyStore(db), close: async () => void db.close() };
});

apiKeyStoreContract('postgres', async () => {
  const pool = new pg.Pool({ connectionString: PG_URL, connectionTimeoutMillis: 3000, max: 5 });
  const schema = `apikeys_${randomBytes(4).toString('hex')}`;
  try {
    const store = await pgApiKeyStore(pool, schema);
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
