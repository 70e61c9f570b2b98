// Stream processors wired: the store on the caller's SQLite handle, the configured delivery targets (webhook or
// MQTT), running processors re-attached to their cameras.
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import pg from 'pg';
import type { CollectionService } from '../../collections/collection.service.ts';
import type { Config } from '../../config/config.schema.ts';
import { FacegateError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { CameraManager } from '../camera.manager.ts';
import { mqttPublisher, type MqttPublisher } from '../../notify/mqtt.publisher.ts';
import { ProcessorService } from './processor.service.ts';
import { sqliteProcessorStore } from './processor.sqlite.ts';
import { pgProcessorStore } from './processor.pg.ts';
import type { RecordTarget } from './processor.types.ts';
import { mqttTarget, targetSchema, webhookTarget, type TargetSpec } from './record.targets.ts';

const REGION = 'local';
const ACCOUNT = '000000000000';

export function parseTargets(config: Readonly<Config>): TargetSpec[] {
  const problems: string[] = [];
  const specs = config.streams.targets.flatMap((t, i) => {
    const r = targetSchema.safeParse(t);
    if (r.success) return [r.data];
    problems.push(`streams.targets[${i}]: ${r.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join(', ')}`);
    return [];
  });
  if (problems.length) throw new FacegateError('INVALID_PARAMETER', `Invalid stream targets: ${problems.join('; ')}`);
  return specs;
}

export async function openProcessors(deps: {
  config: Readonly<Config>;
  logger: Logger;
  db: Database;
  /** The deployment's Postgres (FACEGATE_DATABASE_URL), used when no camera-specific URL is set. */
  pg?: { pool: pg.Pool; schema: string };
  cameras: CameraManager;
  collections: CollectionService;
  /** Overrides the configured targets (tests). */
  targets?: TargetSpec[];
  /** Cameras run in this process (worker and all roles; default true). */
  runs?: boolean;
}): Promise<{ service: ProcessorService; close(): Promise<void> }> {
  const specs = deps.targets ?? parseTargets(deps.config);
  let mqtt: MqttPublisher | undefined;
  const targets = new Map<string, RecordTarget>();
  for (const t of specs) {
    if ('webhook' in t) targets.set(t.stream, webhookTarget(t, { region: REGION, account: ACCOUNT }));
    else {
      const url = deps.config.notify.mqtt.url;
      if (!url)
        throw new FacegateError(
          'INVALID_PARAMETER',
          `streams.targets ${t.stream}: an MQTT target needs FACEGATE_MQTT_URL`,
        );
      mqtt ??= mqttPublisher(url);
      targets.set(t.stream, mqttTarget(t, mqtt));
    }
  }
  // Postgres when configured (FACEGATE_CAMERAS_DATABASE_URL, with the cameras), else the caller's SQLite handle.
  const url = deps.config.streams.databaseUrl;
  const pool = url ? new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5000, max: 3 }) : undefined;
  const store = pool
    ? await pgProcessorStore(pool).catch(async (e: unknown) => {
        await pool.end();
        throw e;
      })
    : deps.pg
      ? await pgProcessorStore(deps.pg.pool, deps.pg.schema)
      : sqliteProcessorStore(deps.db);
  const service = new ProcessorService({
    store,
    cameras: deps.cameras,
    collections: deps.collections,
    target: (stream) => targets.get(stream),
    now: () => new Date(),
    uuid: randomUUID,
    region: REGION,
    account: ACCOUNT,
    log: deps.logger.child({ module: 'stream-processors' }),
  });
  await service.resume();
  // On Postgres, processors started or stopped through another process (an API process) take effect here too.
  const log = deps.logger.child({ module: 'stream-processors' });
  const timer =
    (pool || deps.pg) && deps.runs !== false
      ? setInterval(
          () => void service.sync().catch((e: unknown) => log.warn({ err: e }, 'stream processors not synced')),
          deps.config.streams.syncMs,
        )
      : undefined;
  timer?.unref();
  return {
    service,
    close: async () => {
      clearInterval(timer);
      await service.close();
      await mqtt?.close();
      await pool?.end();
    },
  };
}
