// Builds a CollectionService on real embedded drivers (SQLite in memory, the in-memory index, a temp object
// directory) with the fake engine, a fixed clock and sequential ids.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { CollectionService } from '../../src/collections/collection.service.ts';
import { MemoryVectorIndex } from '../../src/collections/memory.vector.driver.ts';
import { SqliteMetadataStore } from '../../src/collections/sqlite.metadata.driver.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { isFacegateError, type ErrorCode } from '../../src/errors.ts';
import { FakeEngine, sequentialIds } from './fake.engine.ts';

export interface Harness {
  service: CollectionService;
  engine: FakeEngine;
  metadata: SqliteMetadataStore;
  vectors: MemoryVectorIndex;
  objects: LocalObjectStore;
  close(): Promise<void>;
}

export async function harness(opts: { quantize?: boolean; engine?: FakeEngine } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'facegate-svc-'));
  const metadata = new SqliteMetadataStore({ path: ':memory:' });
  const vectors = new MemoryVectorIndex({ quantize: opts.quantize ?? false });
  const objects = new LocalObjectStore(dir);
  const engine = opts.engine ?? new FakeEngine();
  const service = new CollectionService({
    metadata,
    vectors,
    objects,
    engine,
    clock: { now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) },
    ids: sequentialIds(),
    tokenKey: await metadata.secret('pagination'),
  });
  return {
    service,
    engine,
    metadata,
    vectors,
    objects,
    close: async () => {
      await metadata.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const withCode =
  (code: ErrorCode) =>
  (e: unknown): boolean => {
    assert.ok(isFacegateError(e), `expected a FacegateError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  };
