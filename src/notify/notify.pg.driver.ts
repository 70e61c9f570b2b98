// NotifyStore on Postgres: subscriptions, deliveries with their attempt log, and the SMS outbox.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { withPgTransaction } from '../db/pg.database.ts';
import { migratePg, pgIdent } from '../db/pg.migrate.ts';
import type { DomainEvent } from '../events/event.types.ts';
import type {
  Channel,
  Delivery,
  DeliveryAttempt,
  DeliveryState,
  NotifyStore,
  SmsMessage,
  Subscription,
} from './notify.types.ts';

// Times are milliseconds since the epoch (BIGINT), as on SQLite.
const MIGRATIONS = [
  `CREATE TABLE \${schema}.subscriptions (
     id TEXT PRIMARY KEY, channel TEXT NOT NULL, target TEXT NOT NULL, event_types JSONB NOT NULL,
     collection_id TEXT, pipeline TEXT, secret TEXT, enabled BOOLEAN NOT NULL DEFAULT true, created_at BIGINT NOT NULL);
   CREATE TABLE \${schema}.deliveries (
     id TEXT PRIMARY KEY, event_id TEXT NOT NULL, event_type TEXT NOT NULL,
     subscription_id TEXT NOT NULL, channel TEXT NOT NULL, state TEXT NOT NULL,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (event_id, subscription_id));
   CREATE INDEX deliveries_by_subscription ON \${schema}.deliveries (subscription_id, created_at);
   CREATE TABLE \${schema}.delivery_attempts (
     delivery_id TEXT NOT NULL REFERENCES \${schema}.deliveries (id) ON DELETE CASCADE,
     seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, attempt INTEGER NOT NULL, at BIGINT NOT NULL, ok BOOLEAN NOT NULL,
     status INTEGER, error TEXT, duration_ms INTEGER NOT NULL);
   CREATE INDEX delivery_attempts_by_delivery ON \${schema}.delivery_attempts (delivery_id);
   CREATE TABLE \${schema}.sms_outbox (
     id TEXT PRIMARY KEY, recipient TEXT NOT NULL, body TEXT NOT NULL, event_id TEXT, created_at BIGINT NOT NULL);`,
];

interface SubRow {
  id: string;
  channel: Channel;
  target: string;
  event_types: string[];
  collection_id: string | null;
  pipeline: string | null;
  secret: string | null;
  enabled: boolean;
  created_at: string;
}
interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  subscription_id: string;
  channel: Channel;
  state: DeliveryState;
  created_at: string;
  updated_at: string;
}
interface AttemptRow {
  delivery_id: string;
  attempt: number;
  at: string;
  ok: boolean;
  status: number | null;
  error: string | null;
  duration_ms: number;
}

const toSub = (r: SubRow): Subscription => ({
  id: r.id,
  channel: r.channel,
  target: r.target,
  eventTypes: r.event_types,
  collectionId: r.collection_id,
  pipeline: r.pipeline,
  secret: r.secret,
  enabled: r.enabled,
  createdAt: new Date(Number(r.created_at)),
});

export async function openPgNotifyStore(pool: Pool, schema = 'public', now?: () => number): Promise<PgNotifyStore> {
  await migratePg(pool, 'notify', MIGRATIONS, schema);
  return new PgNotifyStore(pool, schema, now);
}

export class PgNotifyStore implements NotifyStore {
  private readonly t: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
    private readonly now: () => number = Date.now,
  ) {
    this.t = pgIdent(schema);
  }

  async createSubscription(s: Omit<Subscription, 'createdAt' | 'enabled'>): Promise<Subscription> {
    await this.pool.query(
      `INSERT INTO ${this.t}.subscriptions (id, channel, target, event_types, collection_id, pipeline, secret, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [s.id, s.channel, s.target, JSON.stringify(s.eventTypes), s.collectionId, s.pipeline, s.secret, this.now()],
    );
    return (await this.getSubscription(s.id))!;
  }

  async getSubscription(id: string): Promise<Subscription | undefined> {
    const { rows } = await this.pool.query<SubRow>(`SELECT * FROM ${this.t}.subscriptions WHERE id = $1`, [id]);
    return rows[0] && toSub(rows[0]);
  }

  async listSubscriptions(): Promise<Subscription[]> {
    const { rows } = await this.pool.query<SubRow>(
      `SELECT * FROM ${this.t}.subscriptions ORDER BY created_at, id COLLATE "C"`,
    );
    return rows.map(toSub);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return ((await this.pool.query(`DELETE FROM ${this.t}.subscriptions WHERE id = $1`, [id])).rowCount ?? 0) === 1;
  }

  async matching(event: DomainEvent): Promise<Subscription[]> {
    return (await this.listSubscriptions()).filter(
      (s) =>
        s.enabled &&
        (s.eventTypes.includes('*') || s.eventTypes.includes(event.type)) &&
        (s.collectionId === null || s.collectionId === event.collectionId) &&
        (s.pipeline === null || s.pipeline === event.pipeline),
    );
  }

  async createDelivery(event: DomainEvent, sub: Subscription): Promise<string> {
    const now = this.now();
    await this.pool.query(
      `INSERT INTO ${this.t}.deliveries (id, event_id, event_type, subscription_id, channel, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6) ON CONFLICT (event_id, subscription_id) DO NOTHING`,
      [randomUUID(), event.id, event.type, sub.id, sub.channel, now],
    );
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM ${this.t}.deliveries WHERE event_id = $1 AND subscription_id = $2`,
      [event.id, sub.id],
    );
    return rows[0]!.id;
  }

  async getDelivery(id: string): Promise<Delivery | undefined> {
    const { rows } = await this.pool.query<DeliveryRow>(`SELECT * FROM ${this.t}.deliveries WHERE id = $1`, [id]);
    return (await this.withAttempts(rows))[0];
  }

  async listDeliveries(
    f: { subscriptionId?: string; state?: DeliveryState; eventId?: string; limit?: number } = {},
  ): Promise<Delivery[]> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT * FROM ${this.t}.deliveries WHERE ($1::text IS NULL OR subscription_id = $1)
         AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR event_id = $3)
       ORDER BY created_at DESC, id COLLATE "C" LIMIT $4`,
      [f.subscriptionId ?? null, f.state ?? null, f.eventId ?? null, Math.min(f.limit ?? 100, 1000)],
    );
    return this.withAttempts(rows);
  }

  async reopenDelivery(id: string): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE ${this.t}.deliveries SET state = 'pending', updated_at = $1 WHERE id = $2 AND state = 'dead'`,
      [this.now(), id],
    );
    return r.rowCount === 1;
  }

  async recordAttempt(id: string, a: DeliveryAttempt, state: DeliveryState): Promise<void> {
    await withPgTransaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO ${this.t}.delivery_attempts (delivery_id, attempt, at, ok, status, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, a.attempt, a.at.getTime(), a.ok, a.status, a.error, Math.round(a.durationMs)],
      );
      await c.query(`UPDATE ${this.t}.deliveries SET state = $1, updated_at = $2 WHERE id = $3`, [
        state,
        this.now(),
        id,
      ]);
    });
  }

  async addSms(msg: Omit<SmsMessage, 'id' | 'createdAt'>): Promise<SmsMessage> {
    const full: SmsMessage = { ...msg, id: randomUUID(), createdAt: new Date(this.now()) };
    await this.pool.query(
      `INSERT INTO ${this.t}.sms_outbox (id, recipient, body, event_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [full.id, full.to, full.body, full.eventId, full.createdAt.getTime()],
    );
    return full;
  }

  async listSms(limit = 100): Promise<SmsMessage[]> {
    const { rows } = await this.pool.query<{
      id: string;
      recipient: string;
      body: string;
      event_id: string | null;
      created_at: string;
    }>(`SELECT * FROM ${this.t}.sms_outbox ORDER BY created_at DESC LIMIT $1`, [limit]);
    return rows.map((r) => ({
      id: r.id,
      to: r.recipient,
      body: r.body,
      eventId: r.event_id,
      createdAt: new Date(Number(r.created_at)),
    }));
  }

  private async withAttempts(rows: DeliveryRow[]): Promise<Delivery[]> {
    if (rows.length === 0) return [];
    const { rows: attempts } = await this.pool.query<AttemptRow>(
      `SELECT * FROM ${this.t}.delivery_attempts WHERE delivery_id = ANY($1::text[]) ORDER BY at, seq`,
      [rows.map((r) => r.id)],
    );
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      eventType: r.event_type,
      subscriptionId: r.subscription_id,
      channel: r.channel,
      state: r.state,
      attempts: attempts
        .filter((a) => a.delivery_id === r.id)
        .map((a) => ({
          attempt: a.attempt,
          at: new Date(Number(a.at)),
          ok: a.ok,
          status: a.status,
          error: a.error,
          durationMs: a.duration_ms,
        })),
      createdAt: new Date(Number(r.created_at)),
      updatedAt: new Date(Number(r.updated_at)),
    }));
  }
}
