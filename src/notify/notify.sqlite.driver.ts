// NotifyStore on SQLite (the jobs database): subscriptions, deliveries with their attempt log, and the SMS outbox.
import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../events/event.types.ts';
import { migrateJobsDatabase, type SqliteDatabase } from '../jobs/sqlite.database.ts';
import type {
  Channel,
  Delivery,
  DeliveryAttempt,
  DeliveryState,
  NotifyStore,
  SmsMessage,
  Subscription,
} from './notify.types.ts';

const MIGRATIONS = [
  `CREATE TABLE subscriptions (
     id TEXT PRIMARY KEY, channel TEXT NOT NULL, target TEXT NOT NULL, event_types TEXT NOT NULL,
     collection_id TEXT, pipeline TEXT, secret TEXT, enabled INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL);
   CREATE TABLE deliveries (
     id TEXT PRIMARY KEY, event_id TEXT NOT NULL, event_type TEXT NOT NULL,
     subscription_id TEXT NOT NULL, channel TEXT NOT NULL, state TEXT NOT NULL,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, UNIQUE (event_id, subscription_id));
   CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, created_at);
   CREATE TABLE delivery_attempts (
     delivery_id TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE, attempt INTEGER NOT NULL,
     at INTEGER NOT NULL, ok INTEGER NOT NULL, status INTEGER, error TEXT, duration_ms INTEGER NOT NULL);
   CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (delivery_id);
   CREATE TABLE sms_outbox (
     id TEXT PRIMARY KEY, recipient TEXT NOT NULL, body TEXT NOT NULL, event_id TEXT, created_at INTEGER NOT NULL);`,
];

type Row = Record<string, string | number | null>;

const toSub = (r: Row): Subscription => ({
  id: String(r.id),
  channel: r.channel as Channel,
  target: String(r.target),
  eventTypes: JSON.parse(String(r.event_types)) as string[],
  collectionId: r.collection_id === null ? null : String(r.collection_id),
  pipeline: r.pipeline === null ? null : String(r.pipeline),
  secret: r.secret === null ? null : String(r.secret),
  enabled: r.enabled === 1,
  createdAt: new Date(Number(r.created_at)),
});

export class SqliteNotifyStore implements NotifyStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {
    migrateJobsDatabase(db, 'notify', MIGRATIONS);
  }

  createSubscription(s: Omit<Subscription, 'createdAt' | 'enabled'>): Promise<Subscription> {
    this.db
      .prepare(
        `INSERT INTO subscriptions (id, channel, target, event_types, collection_id, pipeline, secret, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.id, s.channel, s.target, JSON.stringify(s.eventTypes), s.collectionId, s.pipeline, s.secret, this.now());
    return this.getSubscription(s.id) as Promise<Subscription>;
  }

  getSubscription(id: string): Promise<Subscription | undefined> {
    const r = this.db.prepare('SELECT * FROM subscriptions WHERE id = ?').get(id) as Row | undefined;
    return Promise.resolve(r && toSub(r));
  }

  listSubscriptions(): Promise<Subscription[]> {
    const rows = this.db.prepare('SELECT * FROM subscriptions ORDER BY created_at, id').all() as Row[];
    return Promise.resolve(rows.map(toSub));
  }

  deleteSubscription(id: string): Promise<boolean> {
    return Promise.resolve(this.db.prepare('DELETE FROM subscriptions WHERE id = ?').run(id).changes === 1);
  }

  async matching(event: DomainEvent): Promise<Subscription[]> {
    const subs = await this.listSubscriptions();
    return subs.filter(
      (s) =>
        s.enabled &&
        (s.eventTypes.includes('*') || s.eventTypes.includes(event.type)) &&
        (s.collectionId === null || s.collectionId === event.collectionId) &&
        (s.pipeline === null || s.pipeline === event.pipeline),
    );
  }

  createDelivery(event: DomainEvent, sub: Subscription): Promise<string> {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO deliveries (id, event_id, event_type, subscription_id, channel, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (event_id, subscription_id) DO NOTHING`,
      )
      .run(randomUUID(), event.id, event.type, sub.id, sub.channel, now, now);
    const r = this.db
      .prepare('SELECT id FROM deliveries WHERE event_id = ? AND subscription_id = ?')
      .get(event.id, sub.id) as { id: string };
    return Promise.resolve(r.id);
  }

  getDelivery(id: string): Promise<Delivery | undefined> {
    const r = this.db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id) as Row | undefined;
    return Promise.resolve(r && this.toDelivery(r));
  }

  listDeliveries(
    f: { subscriptionId?: string; state?: DeliveryState; eventId?: string; limit?: number } = {},
  ): Promise<Delivery[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM deliveries WHERE (@s IS NULL OR subscription_id = @s) AND (@st IS NULL OR state = @st)
           AND (@e IS NULL OR event_id = @e) ORDER BY created_at DESC, id LIMIT @limit`,
      )
      .all({
        s: f.subscriptionId ?? null,
        st: f.state ?? null,
        e: f.eventId ?? null,
        limit: Math.min(f.limit ?? 100, 1000),
      }) as Row[];
    return Promise.resolve(rows.map((r) => this.toDelivery(r)));
  }

  reopenDelivery(id: string): Promise<boolean> {
    const r = this.db
      .prepare(`UPDATE deliveries SET state = 'pending', updated_at = ? WHERE id = ? AND state = 'dead'`)
      .run(this.now(), id);
    return Promise.resolve(r.changes === 1);
  }

  recordAttempt(id: string, a: DeliveryAttempt, state: DeliveryState): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO delivery_attempts (delivery_id, attempt, at, ok, status, error, duration_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, a.attempt, a.at.getTime(), a.ok ? 1 : 0, a.status, a.error, Math.round(a.durationMs));
      this.db.prepare('UPDATE deliveries SET state = ?, updated_at = ? WHERE id = ?').run(state, this.now(), id);
    })();
    return Promise.resolve();
  }

  addSms(msg: Omit<SmsMessage, 'id' | 'createdAt'>): Promise<SmsMessage> {
    const full: SmsMessage = { ...msg, id: randomUUID(), createdAt: new Date(this.now()) };
    this.db
      .prepare('INSERT INTO sms_outbox (id, recipient, body, event_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(full.id, full.to, full.body, full.eventId, full.createdAt.getTime());
    return Promise.resolve(full);
  }

  listSms(limit = 100): Promise<SmsMessage[]> {
    const rows = this.db.prepare('SELECT * FROM sms_outbox ORDER BY created_at DESC LIMIT ?').all(limit) as Row[];
    return Promise.resolve(
      rows.map((r) => ({
        id: String(r.id),
        to: String(r.recipient),
        body: String(r.body),
        eventId: r.event_id === null ? null : String(r.event_id),
        createdAt: new Date(Number(r.created_at)),
      })),
    );
  }

  private toDelivery(r: Row): Delivery {
    const attempts = this.db
      .prepare('SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY at, rowid')
      .all(r.id) as Row[];
    return {
      id: String(r.id),
      eventId: String(r.event_id),
      eventType: String(r.event_type),
      subscriptionId: String(r.subscription_id),
      channel: r.channel as Channel,
      state: r.state as DeliveryState,
      attempts: attempts.map((a) => ({
        attempt: Number(a.attempt),
        at: new Date(Number(a.at)),
        ok: a.ok === 1,
        status: a.status === null ? null : Number(a.status),
        error: a.error === null ? null : String(a.error),
        durationMs: Number(a.duration_ms),
      })),
      createdAt: new Date(Number(r.created_at)),
      updatedAt: new Date(Number(r.updated_at)),
    };
  }
}
