// Shared by the offline collection commands (index, search): the embedded store and the engine, opened once per
// invocation on the data directory, which must not be in use by a running server (see app/datadir.lock.ts).
import { holdDataDir } from '../app/datadir.lock.ts';
import { openCollections, type OpenedCollections } from '../collections/collection.factory.ts';
import { loadConfig } from '../config/config.ts';
import { openStateDatabase } from '../db/state.database.ts';
import { createLogger } from '../logger.ts';
import { createFaceEngine, type LocalFaceEngine } from '../vision/face.engine.ts';

export async function withCollections<T>(
  dataDir: string | undefined,
  use: (c: OpenedCollections, engine: LocalFaceEngine) => Promise<T>,
): Promise<T> {
  const config = loadConfig(process.env, dataDir ? { dataDir } : {});
  const release = holdDataDir(config.dataDir);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  try {
    const engine = await createFaceEngine(config, logger);
    try {
      // The deployment's database: the embedded file, or Postgres when FACEGATE_DATABASE_URL is set.
      const database = openStateDatabase(config, config.dataDir);
      try {
        const collections = await openCollections({ config, engine, logger, database });
        try {
          return await use(collections, engine);
        } finally {
          await collections.close();
        }
      } finally {
        await database.close();
      }
    } finally {
      await engine.close();
    }
  } finally {
    release();
  }
}

/** A file name as a Rekognition ExternalImageId: `[a-zA-Z0-9_.\-:]+`, at most 255 characters. */
export function externalIdFor(fileName: string): string {
  const stem = fileName.replace(/\.[^.]+$/, '');
  const id = stem.replace(/[^a-zA-Z0-9_.\-:]+/g, '_').slice(0, 255);
  return id || 'image';
}
