// A VerifyService over the fake collections, a real SQLite people store (in memory) and a real local object store.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlitePeopleStore } from '../../src/apps/verify/people.sqlite.ts';
import { VerifyService, type VerifyDeps } from '../../src/apps/verify/verify.service.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { FakeCollections } from './fake.collections.ts';

export function verifyFixture(overrides: Partial<VerifyDeps> = {}) {
  const db = new Database(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'fg-verify-'));
  const collections = new FakeCollections();
  const objects = new LocalObjectStore(dir);
  const service = new VerifyService({
    people: sqlitePeopleStore(db),
    collections,
    objects,
    thumbnails: { faceThumbnail: async (_img, b) => new Uint8Array(Buffer.from(`thumb:${b.left}`)) },
    collectionId: 'people',
    threshold: 80,
    uuid: randomUUID,
    now: () => new Date(),
    ...overrides,
  });
  return {
    service,
    collections,
    objects,
    db,
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
