// The pipeline part, wired: the deployment database (<dataDir>/facegate.db) with the queue, runs, outbox and
// notification tables; the workflow engine; the notifiers the config enables; the directory watcher. The container and the
// `facegate pipeline worker` command call openPipeline() once.
import { holdsDataDir } from '../../app/datadir.lock.ts';
import { resolve } from 'node:path';
import type { Config } from '../../config/config.schema.ts';
import { SqliteEventOutbox } from '../../events/outbox.sqlite.ts';
import { FacegateError } from '../../errors.ts';
import type { JobQueue } from '../../jobs/job-queue.port.ts';
import { PgBossJobQueue } from '../../jobs/pgboss-queue.driver.ts';
import { SqliteJobQueue } from '../../jobs/sqlite-queue.driver.ts';
import { openDeploymentDatabase, type SqliteDatabase } from '../../db/sqlite.database.ts';
import type { StateDatabase } from '../../db/state.database.ts';
import { PipelinePrivacy, type FaceDropper, type PipelinePrivacyPort } from './pipeline.privacy.sqlite.ts';
import { PgPipelinePrivacy } from './pipeline.privacy.pg.ts';
import type { Logger } from '../../logger.ts';
import { EmailNotifier } from '../../notify/email.notifier.ts';
import { MqttNotifier } from '../../notify/mqtt.notifier.ts';
import { NotificationService, type NotificationServiceDeps } from '../../notify/notification.service.ts';
import { SqliteNotifyStore } from '../../notify/notify.sqlite.driver.ts';
import type { Channel, Notifier, NotifyStore } from '../../notify/notify.types.ts';
import { openPgNotifyStore } from '../../notify/notify.pg.driver.ts';
import type { EventOutbox } from '../../events/event.types.ts';
import { PgEventOutbox } from '../../events/outbox.pg.ts';
import { openPgPipelineStore } from './pipeline.pg.driver.ts';
import type { PipelineStore } from './pipeline.types.ts';
import { SmsNotifier } from '../../notify/sms.notifier.ts';
import { SnsNotifier } from '../../notify/sns.notifier.ts';
import { WebhookNotifier } from '../../notify/webhook.notifier.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import { DirectoryWatcher } from './directory.watcher.ts';
import type { PipelineFaces, Thumbnailer } from './pipeline.ports.ts';
import { PipelineService } from './pipeline.service.ts';
import { SqlitePipelineStore } from './pipeline.sqlite.driver.ts';
import { createSteps, summarize } from './pipeline.steps.ts';
import { WorkflowEngine } from './workflow.engine.ts';

export interface OpenPipelineOptions {
  config: Pick<
    Config,
    'dataDir' | 'jobs' | 'notify' | 'pipelines' | 'pipelineWatchRoot' | 'watchPollMs' | 'collections' | 'database'
  >;
  logger: Logger;
  faces: PipelineFaces;
  objects: ObjectStore;
  thumbnails: Thumbnailer;
  /** Replace the embedded SQLite queue (e.g. the pg-boss driver). */
  queue?: JobQueue;
  /** Run the step and delivery workers in this process (default true; an API-only process may say false). */
  worker?: boolean;
  /** The deployment database (its owner closes it); without it, this opens <dataDir>/facegate.db and closes it. */
  database?: StateDatabase;
  /** Removes a face a pipeline record indexed (erasure and retention of the jobs database). */
  dropFace?: FaceDropper;
  /** False for descriptor-only collections (governance/policy.ts): pipelines into them are refused. */
  keepsImages?: (collectionId: string) => boolean;
  /** The copy of an event a subscriber receives (NotificationServiceDeps.copyFor: the door owner's approval link). */
  copyFor?: NotificationServiceDeps['copyFor'];
}

export interface OpenedPipeline {
  service: PipelineService;
  engine: WorkflowEngine;
  notifications: NotificationService;
  notifyStore: NotifyStore;
  outbox: EventOutbox;
  queue: JobQueue;
  watcher: DirectoryWatcher;
  /** The deployment database handle (queue, outbox, notifications): stores whose changes emit events open on it. */
  database: SqliteDatabase;
  /** Subject access, erasure and retention over the jobs database (governance). */
  privacy: PipelinePrivacyPort;
  close(): Promise<void>;
}

function notifiers(config: OpenPipelineOptions['config'], store: NotifyStore): Partial<Record<Channel, Notifier>> {
  const n = config.notify;
  const out: Partial<Record<Channel, Notifier>> = {
    webhook: new WebhookNotifier(n.webhookTimeoutMs, undefined, n.webhookAllowLinkLocal),
    // Always on: without a provider URL, messages go to the SMS outbox table.
    sms: new SmsNotifier(n.sms, store),
  };
  if (n.smtp.host) out.email = new EmailNotifier({ ...n.smtp, host: n.smtp.host });
  if (n.mqtt.url) out.mqtt = new MqttNotifier(n.mqtt.url, n.mqtt.retain);
  if (n.sns.endpoint || n.sns.accessKeyId) out.sns = new SnsNotifier(n.sns);
  return out;
}

/** The Postgres queue (pg-boss), on FACEGATE_JOBS_DATABASE_URL, else the deployment's FACEGATE_DATABASE_URL. */
function pgBossQueue(config: OpenPipelineOptions['config'], logger: Logger): JobQueue {
  const url = config.jobs.databaseUrl ?? config.database.url;
  if (!url) {
    throw new FacegateError(
      'INVALID_PARAMETER',
      'FACEGATE_JOBS_DRIVER=postgres needs FACEGATE_JOBS_DATABASE_URL or FACEGATE_DATABASE_URL',
    );
  }
  // Its own schema beside the deployment's tables (pg-boss's default when the deployment uses public).
  const schema = config.database.schema === 'public' ? undefined : `${config.database.schema}_jobs`;
  return new PgBossJobQueue({ connectionString: url, logger, ...config.jobs, ...(schema && { schema }) });
}

export async function openPipeline(opts: OpenPipelineOptions): Promise<OpenedPipeline> {
  const { config, logger } = opts;
  const own = opts.database
    ? undefined
    : openDeploymentDatabase(resolve(config.dataDir), { synchronous: config.collections.synchronous });
  const { db } = own ?? opts.database!.sqlite;
  // On Postgres, runs, events and deliveries are there too, and the queue is pg-boss so that every process shares it.
  const pg = opts.database?.pg;
  const queue =
    opts.queue ??
    (config.jobs.driver === 'postgres' || pg ? pgBossQueue(config, logger) : undefined) ??
    new SqliteJobQueue({
      db,
      logger,
      pollMs: config.jobs.pollMs,
      leaseMs: config.jobs.leaseMs,
      maxAttempts: config.jobs.maxAttempts,
      backoffMs: config.jobs.backoffMs,
      concurrency: config.jobs.concurrency,
      // Steps left active by a killed server are taken over at once, since the lock proves their worker dead.
      takeOverAtStart: opts.worker !== false && holdsDataDir(config.dataDir),
    });
  const store: PipelineStore = pg ? await openPgPipelineStore(pg.pool, pg.schema) : new SqlitePipelineStore(db);
  const outbox: EventOutbox = pg ? new PgEventOutbox(pg.pool, pg.schema) : new SqliteEventOutbox(db);
  const notifyStore: NotifyStore = pg ? await openPgNotifyStore(pg.pool, pg.schema) : new SqliteNotifyStore(db);
  const notifications = new NotificationService({
    store: notifyStore,
    outbox,
    queue,
    notifiers: notifiers(config, notifyStore),
    allowLinkLocalWebhooks: config.notify.webhookAllowLinkLocal,
    objects: opts.objects,
    logger,
    maxAttempts: config.notify.maxAttempts,
    backoffMs: config.notify.backoffMs,
    pollMs: config.jobs.pollMs * 4,
    ...(opts.copyFor ? { copyFor: opts.copyFor } : {}),
  });
  const engine = new WorkflowEngine({
    store,
    queue,
    steps: createSteps({ faces: opts.faces, objects: opts.objects, thumbnails: opts.thumbnails, store }),
    definition: (name) => store.getPipeline(name),
    summarize,
    logger,
    onEvents: () => notifications.kick(),
    concurrency: config.jobs.concurrency,
  });
  const keepsImages = opts.keepsImages;
  const service = new PipelineService({
    store,
    engine,
    objects: opts.objects,
    logger,
    ...(keepsImages ? { keepsImages } : {}),
    ...(config.pipelineWatchRoot ? { watchRoot: config.pipelineWatchRoot } : {}),
  });
  for (const p of config.pipelines) await service.define(p, { fromConfig: true });
  // The default pipeline feeds the 'pipeline' collection; not when that collection keeps descriptors only.
  if ((await service.list()).length === 0 && (keepsImages?.('pipeline') ?? true))
    await service.define({ name: 'default' });
  const watcher = new DirectoryWatcher(service, store, logger, config.watchPollMs);

  const worker = opts.worker !== false;
  let sweep: NodeJS.Timeout | undefined;
  if (worker) {
    engine.register();
    notifications.register();
    await queue.start();
    await engine.resume();
    notifications.start();
    watcher.start();
    // Heals runs another worker left behind (killed on a step's last attempt) without waiting for a restart.
    sweep = setInterval(
      () => {
        engine.resume().catch((e: unknown) => logger.error({ err: e }, 'pipeline resume failed'));
      },
      Math.max(60_000, config.jobs.leaseMs * 2),
    );
    sweep.unref();
  }
  return {
    service,
    engine,
    notifications,
    notifyStore,
    outbox,
    queue,
    watcher,
    database: db,
    // On Postgres the runs, records and events are there, not in the SQLite file.
    privacy: pg
      ? new PgPipelinePrivacy(pg.pool, pg.schema, opts.objects, opts.dropFace ?? (async () => undefined))
      : new PipelinePrivacy(db, opts.objects, opts.dropFace ?? (async () => undefined)),
    async close() {
      if (sweep) clearInterval(sweep);
      await watcher.stop();
      await queue.stop();
      await notifications.stop();
      own?.close();
    },
  };
}
