// The liveness part, wired: its store on the deployment's database (Postgres when FACEGATE_DATABASE_URL is set, else
// the SQLite file), the service over the engine and the object store, and the sweep that expires open sessions and
// deletes old ones with their images (every process runs it; the store makes concurrent sweeps safe).
import type { BlobCipher } from '../collections/metadata.port.ts';
import type { Config } from '../config/config.schema.ts';
import type { StateDatabase } from '../db/state.database.ts';
import type { Logger } from '../logger.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import type { FaceEngine } from '../vision/vision.types.ts';
import { openPgLivenessStore } from './liveness.pg.driver.ts';
import { LivenessService } from './liveness.service.ts';
import { SqliteLivenessStore } from './liveness.sqlite.driver.ts';
import type { LivenessStore } from './liveness.store.port.ts';

const SWEEP_MS = 60_000;

export async function openLiveness(deps: {
  config: Readonly<Pick<Config, 'liveness'>>;
  logger: Logger;
  engine: Pick<FaceEngine, 'analyze' | 'similarity'>;
  objects: ObjectStore;
  database: StateDatabase;
  uuid: () => string;
  /** Seals the frames' descriptors at rest (encryption on). */
  descriptorCipher?: BlobCipher;
}): Promise<{ service: LivenessService; close(): Promise<void> }> {
  const pg = deps.database.pg;
  const store: LivenessStore = pg
    ? await openPgLivenessStore(pg.pool, pg.schema, deps.descriptorCipher)
    : new SqliteLivenessStore(deps.database.sqlite.db, deps.descriptorCipher);
  const service = new LivenessService({
    engine: deps.engine,
    objects: deps.objects,
    store,
    now: () => Date.now(),
    uuid: deps.uuid,
    log: deps.logger.child({ module: 'liveness' }),
    ...deps.config.liveness,
  });
  const timer = setInterval(() => void service.sweep(), SWEEP_MS);
  timer.unref();
  return { service, close: async () => clearInterval(timer) };
}
