// Chooses the VectorIndex for a Postgres deployment: pgvector when the database has it, else (loudly) the in-process
// index kept in step across processes through Postgres. `status()` says which, for /readyz and the logs.
import type { Pool } from 'pg';
import type { Config } from '../config/config.schema.ts';
import type { Logger } from '../logger.ts';
import { PgVectorIndex, probePgvector } from './pgvector.vector.driver.ts';
import { SyncedVectorIndex, type SyncedVectorStatus } from './synced.vector.driver.ts';
import { FacegateError } from '../errors.ts';
import type { BlobCipher } from './metadata.port.ts';
import type { VectorIndex } from './vector.port.ts';

export type VectorStatus =
  { driver: 'pgvector'; version: string; degraded: false } | (SyncedVectorStatus & { degraded: true; reason: string });

export interface OpenedVectors {
  index: VectorIndex;
  status(): VectorStatus;
  close(): Promise<void>;
}

export async function openPostgresVectors(opts: {
  pool: Pool;
  schema?: string;
  config: Pick<Config, 'collections' | 'vectors'>;
  logger: Logger;
  /** Encryption at rest: seals the in-process fallback's stored rows (pgvector's column cannot be sealed). */
  descriptorCipher?: BlobCipher;
}): Promise<OpenedVectors> {
  const log = opts.logger.child({ module: 'vectors' });
  const c = opts.config.vectors;
  const probe = c.index === 'memory' ? undefined : await probePgvector(opts.pool);
  if (probe?.available) {
    const index = await PgVectorIndex.open({
      pool: opts.pool,
      ...(opts.schema ? { schema: opts.schema } : {}),
      efSearch: c.hnswEfSearch,
      m: c.hnswM,
      efConstruction: c.hnswEfConstruction,
    });
    log.info({ version: probe.version, efSearch: c.hnswEfSearch }, 'vectors in pgvector (HNSW, cosine)');
    if (opts.descriptorCipher) {
      log.warn(
        'encryption at rest: descriptors in the faces table are sealed, but face_vectors holds them in the clear ' +
          '(an index cannot search ciphertext); use FACEGATE_VECTOR_INDEX=memory to store none in the clear',
      );
    }
    const status = { driver: 'pgvector', version: probe.version, degraded: false } as const;
    return { index, status: () => status, close: async () => undefined };
  }
  if (probe && c.index === 'pgvector') {
    throw new FacegateError('NOT_READY', `FACEGATE_VECTOR_INDEX=pgvector but ${probe.reason}`);
  }
  const reason = probe ? `pgvector is missing (${probe.reason})` : 'FACEGATE_VECTOR_INDEX=memory';
  log.warn(
    { reason },
    'VECTORS ARE NOT IN POSTGRES: every process keeps every vector in memory, kept in step through ' +
      'vector_log and LISTEN/NOTIFY; install pgvector (CREATE EXTENSION vector) to search in the database',
  );
  const index = await SyncedVectorIndex.open({
    pool: opts.pool,
    ...(opts.schema ? { schema: opts.schema } : {}),
    logger: log,
    quantize: opts.config.collections.vectorFormat === 'int8',
    consistency: c.consistency,
    pollMs: c.syncPollMs,
    ...(opts.descriptorCipher ? { cipher: opts.descriptorCipher } : {}),
  });
  return {
    index,
    status: () => ({ ...index.status(), degraded: true, reason }),
    close: () => index.close(),
  };
}
