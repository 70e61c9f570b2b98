// The embedded default, wired: the deployment database (<dataDir>/facegate.db, shared with the other parts when the
// container passes it), objects under <dataDir>/objects, and the in-memory vector index rebuilt from the database at
// start. The server and CLI call openCollections() once.
import { join } from 'node:path';
import { openDeploymentDatabase } from '../db/sqlite.database.ts';
import type { StateDatabase } from '../db/state.database.ts';
import { openPgMetadataStore } from './pg.metadata.driver.ts';
import { logger as rootLogger, type Logger } from '../logger.ts';
import { LocalObjectStore } from '../storage/local.object-store.driver.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import type { FaceEngine } from '../vision/vision.types.ts';
import { randomIds, systemClock, type Clock, type IdGenerator } from './clock.port.ts';
import { CollectionService, type CollectionServiceDeps } from './collection.service.ts';
import { configSchema, type Config } from '../config/config.schema.ts';
import { MemoryVectorIndex } from './memory.vector.driver.ts';
import { openPostgresVectors } from './vector.factory.ts';
import type { BlobCipher, MetadataStore } from './metadata.port.ts';
import { SqliteMetadataStore } from './sqlite.metadata.driver.ts';
import type { VectorIndex } from './vector.port.ts';

export interface OpenCollectionsOptions {
  /** `vectors` (pgvector / synced settings) matters only on Postgres; its defaults apply when absent. */
  config: Pick<Config, 'dataDir' | 'collections'> & Partial<Pick<Config, 'vectors'>>;
  engine: FaceEngine;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /** The deployment database (its owner closes it); without it, this opens <dataDir>/facegate.db and closes it. */
  database?: StateDatabase;
  indexGuard?: CollectionServiceDeps['indexGuard'];
  /** The deployment's object store (encrypted, S3, …) for Image.S3Object reads; default <dataDir>/objects. */
  objects?: ObjectStore;
  /** Encryption at rest of the stored descriptors. */
  descriptorCipher?: BlobCipher;
}

export interface OpenedCollections {
  service: CollectionService;
  metadata: MetadataStore;
  vectors: VectorIndex;
  objects: ObjectStore;
  /** Which vector index serves, for /readyz (on Postgres: pgvector, or the degraded in-memory fallback). */
  vectorStatus(): Record<string, unknown>;
  close(): Promise<void>;
}

/** Loads every stored descriptor into the index; returns how many. */
export async function loadIndex(metadata: MetadataStore, vectors: VectorIndex): Promise<number> {
  if (vectors.reserve) {
    for (let after: string | undefined, page; (page = await metadata.listCollections(after, 1000)).length;) {
      for (const c of page) {
        const count = (await metadata.collectionStats(c.id))?.faceCount ?? 0;
        if (count) await vectors.reserve(c.id, c.descriptorSize, count);
      }
      after = page[page.length - 1]!.id;
    }
  }
  let n = 0;
  let batch: { id: string; vector: Float32Array }[] = [];
  let current = '';
  for await (const d of metadata.scanDescriptors()) {
    if (d.collectionId !== current && batch.length) {
      await vectors.add(current, batch);
      batch = [];
    }
    current = d.collectionId;
    batch.push({ id: d.faceId, vector: d.descriptor });
    n++;
    if (batch.length >= 4096) {
      await vectors.add(current, batch);
      batch = [];
    }
  }
  if (batch.length) await vectors.add(current, batch);
  return n;
}

/**
 * A shared index outlives processes, so at start it is compared with the metadata (the truth) per collection and a
 * collection whose face count differs (a crash between a committed change and its index write) is re-indexed from
 * the stored descriptors. Returns how many descriptors were re-added.
 */
export async function reconcileIndex(metadata: MetadataStore, vectors: VectorIndex): Promise<number> {
  const stale = new Set<string>();
  for (let after: string | undefined, page; (page = await metadata.listCollections(after, 1000)).length;) {
    for (const c of page) {
      const count = (await metadata.collectionStats(c.id))?.faceCount ?? 0;
      if (count !== (await vectors.size(c.id))) stale.add(c.id);
    }
    after = page[page.length - 1]!.id;
  }
  if (!stale.size) return 0;
  for (const id of stale) await vectors.dropCollection(id);
  let n = 0;
  for await (const d of metadata.scanDescriptors()) {
    if (!stale.has(d.collectionId)) continue;
    await vectors.add(d.collectionId, [{ id: d.faceId, vector: d.descriptor }]);
    n++;
  }
  return n;
}

export async function openCollections(opts: OpenCollectionsOptions): Promise<OpenedCollections> {
  const log = (opts.logger ?? rootLogger).child({ module: 'collections' });
  const { dataDir, collections } = opts.config;
  const own = opts.database ? undefined : openDeploymentDatabase(dataDir, { synchronous: collections.synchronous });
  const pg = opts.database?.pg;
  const cipher = opts.descriptorCipher ? { descriptorCipher: opts.descriptorCipher } : {};
  const metadata: MetadataStore = pg
    ? await openPgMetadataStore(pg.pool, pg.schema, cipher)
    : new SqliteMetadataStore({
        db: own?.db ?? opts.database!.sqlite.db,
        ...cipher,
      });
  // On Postgres the index is shared by every process (pgvector, or the in-memory fallback kept in step); embedded,
  // it is this process's memory, rebuilt from the database.
  const shared = pg
    ? await openPostgresVectors({
        pool: pg.pool,
        schema: pg.schema,
        config: { collections, vectors: opts.config.vectors ?? configSchema.shape.vectors.parse({}) },
        logger: log,
        ...cipher,
      })
    : undefined;
  const vectors: VectorIndex =
    shared?.index ?? new MemoryVectorIndex({ quantize: collections.vectorFormat === 'int8' });
  const objects = opts.objects ?? new LocalObjectStore(join(dataDir, 'objects'));
  const started = performance.now();
  const faces = shared ? await reconcileIndex(metadata, vectors) : await loadIndex(metadata, vectors);
  log.info(
    { faces, ms: Math.round(performance.now() - started), format: collections.vectorFormat, shared: !!shared },
    shared ? 'vector index reconciled with the database' : 'vector index loaded',
  );
  const service = new CollectionService({
    metadata,
    vectors,
    objects,
    engine: opts.engine,
    clock: opts.clock ?? systemClock,
    ids: opts.ids ?? randomIds,
    tokenKey: await metadata.secret('pagination'),
    ...(opts.indexGuard ? { indexGuard: opts.indexGuard } : {}),
  });
  const close = async () => {
    await shared?.close();
    await metadata.close();
    own?.close();
  };
  const vectorStatus = (): Record<string, unknown> => (shared ? { ...shared.status() } : { driver: 'memory' });
  return { service, metadata, vectors, objects, vectorStatus, close };
}
