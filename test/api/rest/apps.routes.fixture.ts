// The REST harness with the people, uploads and proctor routes over the apps' fakes (no models).
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteCandidateStore } from '../../../src/apps/proctor/candidates.sqlite.ts';
import { ProctorService } from '../../../src/apps/proctor/proctor.service.ts';
import { UploadsService } from '../../../src/apps/verify/uploads.service.ts';
import type { AnyRouteSpec } from '../../../src/api/rest/rest.route.ts';
import { peopleRoutes } from '../../../src/api/rest/routes/people.routes.ts';
import { proctorRoutes } from '../../../src/api/rest/routes/proctor.routes.ts';
import { uploadsRoutes } from '../../../src/api/rest/routes/uploads.routes.ts';
import { LocalObjectStore } from '../../../src/storage/local.object-store.driver.ts';
import { FakeCollections } from '../../apps/fake.collections.ts';
import { fakeEngine } from '../../apps/fake.engine.ts';
import { verifyFixture } from '../../apps/verify.fixture.ts';
import { harness, type HarnessOptions } from './rest.harness.ts';

export async function appsHarness(o: HarnessOptions & { extraRoutes?: AnyRouteSpec[] } = {}) {
  const v = verifyFixture();
  const collections = new FakeCollections();
  const uploads = new UploadsService({
    collections,
    objects: new LocalObjectStore(mkdtempSync(join(tmpdir(), 'fg-uploads-'))),
    collectionId: 'uploads',
    bucket: 'uploads',
    threshold: 80,
  });
  const proctor = new ProctorService({
    engine: fakeEngine,
    collections,
    candidates: sqliteCandidateStore(new Database(':memory:')),
    collectionId: 'proctor',
    minConfidence: 85,
    faceMatchThreshold: 85,
    objectsOfInterest: ['Mobile Phone', 'Cell Phone'],
    moderationThreshold: 85,
    uuid: randomUUID,
    now: () => new Date(),
  });
  const max = o.maxImageBytes ?? 5 * 1024 * 1024;
  const h = await harness({
    ...o,
    routes: () => [
      ...peopleRoutes(async () => v.service, max),
      ...uploadsRoutes(async () => uploads, max),
      ...proctorRoutes(async () => proctor, max),
      ...(o.extraRoutes ?? []),
    ],
  });
  return { ...h, verify: v, close: async () => (await h.close(), v.close()) };
}

export const b64 = (s: string): string => Buffer.from(s).toString('base64');
