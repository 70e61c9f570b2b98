// A real pgvector server for the tests: PGlite (PostgreSQL compiled to WebAssembly) with the pgvector extension,
// served over the Postgres wire protocol by pglite-socket on a random port, so the drivers' real `pg` client code
// runs against it. PGlite has ONE backend: pglite-socket multiplexes connections at the query level, so two clients'
// transactions would interleave inside that one session. Pools on it must therefore hold one connection (`max: 1`), and the server accepts one connection, so all users share the one pool.
import { randomBytes } from 'node:crypto';
import type { Extension } from '@electric-sql/pglite';
import pg from 'pg';

// Not yet a declared dependency: imported by a computed name so that type-checking passes where it is absent.
const PGVECTOR_PACKAGE: string = '@electric-sql/pglite-pgvector';
const loadPgvector = async (): Promise<Extension> => ((await import(PGVECTOR_PACKAGE)) as { vector: Extension }).vector;

export interface PgliteServer {
  url: string;
  /** The server's only pool, of one connection (see above): every user of this server shares it. */
  pool: pg.Pool;
  /** A fresh schema of its own on that pool; close drops it. */
  freshSchema(prefix?: string): Promise<{ pool: pg.Pool; schema: string; close(): Promise<void> }>;
  stop(): Promise<void>;
}

/** Why pgvector-on-PGlite tests cannot run here, or undefined when they can. */
export async function pgliteUnavailable(): Promise<string | undefined> {
  try {
    await loadPgvector();
    return undefined;
  } catch {
    return 'the @electric-sql/pglite-pgvector package is not installed (PGlite 0.5 ships pgvector separately)';
  }
}

/** Starts PGlite with pgvector in memory and serves it on 127.0.0.1:<random port>. */
export async function startPgliteServer(): Promise<PgliteServer> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const vector = await loadPgvector();
  const db = await PGlite.create({ extensions: { vector } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000 });
  return {
    url,
    pool,
    freshSchema: async (prefix = 't') => {
      const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
      await pool.query(`CREATE SCHEMA "${schema}"`);
      return {
        pool,
        schema,
        close: async () => {
          await pool.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
        },
      };
    },
    stop: async () => {
      await pool.end().catch(() => undefined);
      await server.stop();
      await db.close();
    },
  };
}
