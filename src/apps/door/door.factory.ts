// The door part, wired: its store on the deployment's database handle (the one holding the event outbox) or on
// Postgres, the HMAC key, the SMS channel for passcodes, the owner subscriptions, the unlock actions and Home
// Assistant discovery over MQTT, the doors of the config file, and the sweep that re-sends passcodes whose SMS never
// left. The container calls openDoor() once; cameras reach the door through `service` (a VisitSink).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { systemClock } from '../../collections/clock.port.ts';
import type { BlobCipher } from '../../collections/metadata.port.ts';
import type { CollectionService } from '../../collections/collection.service.ts';
import type { Config } from '../../config/config.schema.ts';
import type { Logger } from '../../logger.ts';
import { SmsNotifier } from '../../notify/sms.notifier.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import type { FaceEngine } from '../../vision/vision.types.ts';
import type { OpenedPipeline } from '../pipeline/pipeline.factory.ts';
import type { CameraStore } from '../../streams/camera.store.ts';
import { HomeAssistantDoors } from './door.homeassistant.ts';
import { DoorPrivacy } from './door.privacy.ts';
import { pgDoorStore } from './door.pg.driver.ts';
import type { DoorSettings } from './door.ports.ts';
import { DoorService } from './door.service.ts';
import { sqliteDoorStore } from './door.sqlite.driver.ts';
import type { DoorStore } from './door.store.port.ts';
import { mqttPublisher } from '../../notify/mqtt.publisher.ts';
import { NotifyOwnerSubscriptions } from './owner.subscriptions.ts';
import { newSecret } from './passcode.crypto.ts';
import { pgRelayTarget, relayPgEvents, sqliteRelayTarget } from './pg.event.relay.ts';
import type { StateDatabase } from '../../db/state.database.ts';
import { SmsPasscodeSender } from './sms.passcode.sender.ts';
import { DoorUnlockActions } from './unlock.actions.ts';

export interface OpenedDoor {
  service: DoorService;
  /** Subject access, erasure and retention of the door's data (door.privacy.ts). */
  privacy: DoorPrivacy;
  /** Where snapshots and visitor photos are kept (bucket `door`). */
  objects: ObjectStore;
  close(): Promise<void>;
}

const SWEEP_MS = 60_000;

export function doorSettings(config: Readonly<Config>): DoorSettings {
  const d = config.door;
  return {
    passcodeTtlSeconds: d.passcodeTtlSeconds,
    approvalTtlSeconds: d.approvalTtlSeconds,
    publicUrl: (d.publicUrl ?? config.streams.publicUrl ?? `http://localhost:${config.server.port}`).replace(
      /\/+$/,
      '',
    ),
    maxFailures: d.maxFailures,
    doorMaxFailures: d.doorMaxFailures,
    lockoutSeconds: d.lockoutSeconds,
    maxLockoutSeconds: d.maxLockoutSeconds,
    denyCooldownSeconds: d.denyCooldownSeconds,
    bucket: 'door',
  };
}

export async function openDoor(deps: {
  config: Readonly<Config>;
  logger: Logger;
  collections: CollectionService;
  objects: ObjectStore;
  engine: FaceEngine;
  pipeline: OpenedPipeline;
  /** The deployment database: on Postgres (FACEGATE_DATABASE_URL) the door's tables and events go there. */
  database?: StateDatabase;
  /** Encryption at rest: seals unknown visitors' descriptors (door_pending, door_denials) on either engine. */
  descriptorCipher?: BlobCipher;
  /** The cameras' visit log, for erasing the camera visits of a visitor's visits. */
  cameras?: () => Promise<CameraStore | undefined>;
  /**
   * Run the background sweep (unsent passcodes re-sent, door events a failed relay left behind): true in the worker
   * and all roles, false in API processes (default true).
   */
  background?: boolean;
}): Promise<OpenedDoor> {
  const { config, pipeline, descriptorCipher: cipher } = deps;
  const log = deps.logger.child({ module: 'door' });
  const closers: (() => Promise<void> | void)[] = [];
  let store: DoorStore;
  let onEvents = () => pipeline.notifications.kick();
  const state = deps.database?.pg;
  const own = config.door.databaseUrl;
  // The door's own URL naming the deployment's database and schema is the shared case: one outbox, nothing to relay.
  const shared = state && (!own || (own === config.database.url && config.door.databaseSchema === state.schema));
  if (state && shared) {
    // The notification outbox is this database's too: door events are committed where the dispatcher reads them.
    store = await pgDoorStore(state.pool, state.schema, cipher);
  } else if (own) {
    const pool = new pg.Pool({ connectionString: own, connectionTimeoutMillis: 5000, max: 5 });
    pool.on('error', () => undefined);
    closers.push(() => pool.end());
    store = await pgDoorStore(pool, config.door.databaseSchema, cipher);
    // Door events are written to the door database's outbox with their change, then relayed to the outbox the
    // deployment's dispatcher reads: its Postgres schema on a Postgres deployment, else the SQLite file.
    const target = state ? pgRelayTarget(state.pool, state.schema) : sqliteRelayTarget(pipeline.database);
    const relay = relayPgEvents(pool, config.door.databaseSchema, target, log);
    onEvents = () => {
      relay()
        .then(() => pipeline.notifications.kick())
        .catch((e: unknown) => log.error({ err: e }, 'door events not relayed'));
    };
  } else {
    store = sqliteDoorStore(pipeline.database, cipher);
  }
  const key = config.door.secret ?? (await store.secret(newSecret));
  const mqtt = config.notify.mqtt.url ? mqttPublisher(config.notify.mqtt.url) : undefined;
  if (mqtt) closers.push(() => mqtt.close());
  // Doors join the cameras' Home Assistant discovery (same switch and prefix).
  const observer =
    mqtt && config.streams.homeAssistant
      ? new HomeAssistantDoors(mqtt, {
          prefix: config.streams.discoveryPrefix,
          relockSeconds: config.door.relockSeconds,
          now: () => systemClock.now(),
          logger: log,
        })
      : undefined;
  if (observer) closers.push(() => observer.close());
  const service = new DoorService({
    store,
    collections: deps.collections,
    objects: deps.objects,
    sms: new SmsPasscodeSender(new SmsNotifier(config.notify.sms, pipeline.notifyStore)),
    similarity: (a, b) => deps.engine.similarity(a, b),
    clock: systemClock,
    ids: { uuid: randomUUID },
    key,
    settings: doorSettings(config),
    unlock: new DoorUnlockActions(mqtt),
    owners: new NotifyOwnerSubscriptions(pipeline.notifications, pipeline.notifyStore),
    observer,
    logger: deps.logger,
    onEvents,
  });
  for (const d of config.door.doors) {
    // A bad door in the file is reported and skipped: the other doors and the rest of Facegate still start.
    await service.defineDoor(d).catch((e: unknown) => log.error({ err: e, doorId: d.id }, 'door not defined'));
  }
  const sweep = () => {
    service.passcodes
      .recoverUnsent((id) => store.getDoor(id))
      .then((n) => n > 0 && log.info({ resent: n }, 'unsent passcodes re-sent'))
      .catch((e: unknown) => log.error({ err: e }, 'passcode sweep failed'));
    // On Postgres this also relays door events a failed relay left behind; on SQLite it only kicks the dispatcher.
    onEvents();
  };
  // API processes leave the sweep to the workers: fewer processes racing for the same unsent passcode.
  const timer = deps.background === false ? undefined : setInterval(sweep, SWEEP_MS);
  if (timer) sweep();
  timer?.unref();
  const privacy = new DoorPrivacy({
    store,
    objects: deps.objects,
    dropFaces: (collectionId, faceIds) => deps.collections.deleteFacesWith(collectionId, faceIds, [], true),
    ...(deps.cameras ? { cameras: deps.cameras } : {}),
  });
  return {
    service,
    privacy,
    objects: deps.objects,
    close: async () => {
      clearInterval(timer);
      for (const c of closers.reverse()) await c();
    },
  };
}
