// The cameras wired for a process: config-file cameras validated, ffmpeg probed (its absence is logged at start and
// shown in /readyz, and only cameras that need it fail), the store on the caller's SQLite handle or on Postgres.
// Cameras run only in processes that run background work (`runs`: the worker and all roles). On Postgres several
// processes share the definitions: each follows the store every `streams.syncMs`, and one process runs each camera
// (advisory-lock claims, camera.claims.ts).
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import pg from 'pg';
import type { CollectionService } from '../collections/collection.service.ts';
import type { Config } from '../config/config.schema.ts';
import { FacegateError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import type { FaceEngine } from '../vision/vision.types.ts';
import { pgCameraClaims } from './camera.claims.ts';
import { CameraManager } from './camera.manager.ts';
import { sqliteCameraStore } from './camera.sqlite.ts';
import { pgCameraStore } from './camera.pg.ts';
import { cameraInputSchema, type CameraSpec } from './camera.types.ts';
import { engineAnalyser } from './frame.analyser.ts';
import { sharpAnnotator } from './sharp.annotator.ts';
import { probeFfmpeg } from './sources/ffmpeg.source.ts';
import { HomeAssistantDiscovery } from './ha.discovery.ts';
import { mqttPublisher } from '../notify/mqtt.publisher.ts';

/** The config file's cameras, validated; throws naming every bad camera. */
export function configCameras(config: Readonly<Config>): CameraSpec[] {
  const problems: string[] = [];
  const specs = config.cameras.flatMap((c, i) => {
    const r = cameraInputSchema.safeParse(c);
    if (r.success) return [r.data];
    problems.push(...r.error.issues.map((x) => `cameras[${i}].${x.path.join('.')}: ${x.message}`));
    return [];
  });
  if (problems.length) throw new FacegateError('INVALID_PARAMETER', `Invalid cameras: ${problems.join('; ')}`);
  return specs;
}

export type FfmpegStatus = { ok: true; version: string } | { ok: false; error: string };

/** Probes ffmpeg (`-version`); never rejects: the status says why ffmpeg cannot run. */
export function checkFfmpeg(path: string): Promise<FfmpegStatus> {
  return probeFfmpeg(path).then(
    (version) => ({ ok: true as const, version }),
    (e: Error) => ({ ok: false as const, error: e.message }),
  );
}

export async function openCameras(deps: {
  config: Readonly<Config>;
  logger: Logger;
  db: Database;
  /** The deployment's Postgres (FACEGATE_DATABASE_URL), used when no camera-specific URL is set. */
  pg?: { pool: pg.Pool; schema: string };
  engine: FaceEngine;
  collections: CollectionService;
  objects: ObjectStore;
  /** The result of checkFfmpeg, when the caller started it earlier (so that its absence is logged at once). */
  ffmpeg?: Promise<FfmpegStatus>;
  /** Run cameras here (worker and all roles; default true); API processes keep definitions and visits only. */
  runs?: boolean;
}): Promise<{ manager: CameraManager; close(): Promise<void> }> {
  const { config } = deps;
  const s = config.streams;
  const ffmpeg = await (deps.ffmpeg ?? checkFfmpeg(s.ffmpegPath));
  // Postgres when configured (several instances share cameras and visits), else the caller's SQLite handle.
  const pool = s.databaseUrl
    ? new pg.Pool({ connectionString: s.databaseUrl, connectionTimeoutMillis: 5000, max: 5 })
    : undefined;
  const store = pool
    ? await pgCameraStore(pool).catch(async (e: unknown) => {
        await pool.end();
        throw e;
      })
    : deps.pg
      ? await pgCameraStore(deps.pg.pool, deps.pg.schema)
      : sqliteCameraStore(deps.db);
  const shared = pool ? { pool, schema: 'public' } : deps.pg;
  const runs = deps.runs !== false;
  const claims = shared && runs ? pgCameraClaims(shared.pool, shared.schema, deps.logger) : undefined;
  const manager = new CameraManager({
    store,
    configCameras: configCameras(config),
    analyser: engineAnalyser(deps.engine, deps.collections),
    objects: deps.objects,
    annotator: sharpAnnotator(),
    ffmpegPath: s.ffmpegPath,
    ffmpeg,
    ids: randomUUID,
    now: () => new Date(),
    log: deps.logger,
    runtime: { backoffMs: s.reconnectMs, maxBackoffMs: s.maxReconnectMs, idleMs: 2000 },
    stallMs: s.stallMs,
    runs,
    ...(claims && { claims }),
  });
  await manager.start();
  // A shared store changes under this process: follow it (and take cameras whose process died).
  const timer = shared
    ? setInterval(
        () => void manager.sync().catch((e: unknown) => deps.logger.warn({ err: e }, 'cameras not synced')),
        s.syncMs,
      )
    : undefined;
  timer?.unref();
  const stop = async () => {
    clearInterval(timer);
    await manager.close();
  };
  const mqttUrl = config.notify.mqtt.url;
  if (!(mqttUrl && s.homeAssistant)) return { manager, close: async () => (await stop(), await pool?.end()) };
  const mqtt = mqttPublisher(mqttUrl);
  const ha = new HomeAssistantDiscovery(
    mqtt,
    { discoveryPrefix: s.discoveryPrefix, topicPrefix: 'facegate', publicUrl: s.publicUrl },
    deps.logger.child({ module: 'home-assistant' }),
  );
  manager.addSink(ha);
  // Announced in the background: a broker that is down must not hold the cameras back.
  for (const c of manager.list()) {
    ha.announce(c.spec.id, c.spec.name).catch((e: unknown) =>
      deps.logger.warn({ err: e, cameraId: c.spec.id }, 'Home Assistant discovery not published'),
    );
  }
  return {
    manager,
    close: async () => {
      await stop();
      await mqtt.close();
      await pool?.end();
    },
  };
}
