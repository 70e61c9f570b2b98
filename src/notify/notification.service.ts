// Fans committed events out to subscriptions and delivers them. The outbox is read in order; each (event,
// subscription) pair becomes one delivery and one "notify.deliver" job, so a slow or failing endpoint is retried with
// backoff by the queue and dead-lettered after the limit, while every other delivery goes on.
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { assertWebhookTarget } from './webhook.target.ts';
import { FacegateError } from '../errors.ts';
import type { DomainEvent, EventOutbox } from '../events/event.types.ts';
import type { Job, JobQueue } from '../jobs/job-queue.port.ts';
import type { Logger } from '../logger.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import { renderSubject, renderText } from './message.render.ts';
import {
  subscriptionInputSchema,
  type Channel,
  type Delivery,
  type Notification,
  type Notifier,
  type NotifyStore,
  type Subscription,
} from './notify.types.ts';

export const DELIVER_JOB = 'notify.deliver';
const deliverJobSchema = z.object({ deliveryId: z.string() });

export interface NotificationServiceDeps {
  store: NotifyStore;
  outbox: EventOutbox;
  queue: JobQueue;
  notifiers: Partial<Record<Channel, Notifier>>;
  /** notify.webhookAllowLinkLocal: webhook targets on link-local / metadata addresses are refused unless true. */
  allowLinkLocalWebhooks?: boolean;
  /** Where thumbnails are read for e-mail attachments. */
  objects?: ObjectStore;
  logger: Logger;
  maxAttempts: number;
  backoffMs: number;
  /** How often the outbox is checked for events written by other processes. */
  pollMs?: number;
  concurrency?: number;
  /** A send that has not settled after this long counts as failed (its slot is freed; the queue retries). */
  sendTimeoutMs?: number;
  /**
   * The copy of an event one subscriber receives, when it may see more than the stored event carries (the door
   * owner's approval link, src/apps/door/owner.link.ts). Default: the event as stored.
   */
  copyFor?: (event: DomainEvent, sub: Subscription) => Promise<DomainEvent>;
}

/** Rejects after `ms`: a channel that never answers (a broker that vanished) must not hold a delivery slot forever. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export class NotificationService {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private dispatching: Promise<number> = Promise.resolve(0);
  private again = false;
  private readonly settled = new EventEmitter().setMaxListeners(0);

  constructor(private readonly deps: NotificationServiceDeps) {
    this.log = deps.logger.child({ module: 'notify' });
  }

  register(): void {
    this.deps.queue.work(DELIVER_JOB, (job) => this.deliver(job), { concurrency: this.deps.concurrency ?? 4 });
  }

  start(): void {
    this.timer ??= setInterval(() => this.kick(), this.deps.pollMs ?? 1000);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.dispatching.catch(() => 0);
    for (const n of Object.values(this.deps.notifiers)) await n.close?.();
  }

  /** Dispatch now (after events were committed). Calls while a pass runs coalesce into one more pass. */
  kick(): void {
    this.dispatch().catch((e: unknown) => this.log.error({ err: e }, 'dispatching events failed'));
  }

  /** Fans out every undispatched event; resolves with how many were fanned out. */
  dispatch(): Promise<number> {
    this.again = true;
    this.dispatching = this.dispatching
      .catch(() => 0)
      .then(async () => {
        let total = 0;
        while (this.again) {
          this.again = false;
          for (;;) {
            const events = await this.deps.outbox.undispatched(100);
            if (events.length === 0) break;
            for (const e of events) await this.fanOut(e);
            await this.deps.outbox.markDispatched(events.map((e) => e.seq));
            total += events.length;
          }
        }
        return total;
      });
    return this.dispatching;
  }

  /** Resolves once the delivery is delivered or dead (settled here, or seen on the next check every `pollMs`). */
  async waitForDelivery(id: string, pollMs = 100): Promise<Delivery> {
    for (;;) {
      const d = await this.deps.store.getDelivery(id);
      if (!d) throw new Error(`delivery ${id} does not exist`);
      if (d.state !== 'pending') return d;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(t);
          this.settled.off(id, done);
          resolve();
        };
        const t = setTimeout(done, pollMs);
        this.settled.on(id, done);
      });
    }
  }

  /** Sends a dead delivery again with a fresh attempt budget; new attempts are appended to its log, numbered from 1. */
  async redeliver(id: string): Promise<Delivery> {
    const d = await this.deps.store.getDelivery(id);
    if (!d) throw new FacegateError('NOT_FOUND', `Delivery ${id} does not exist`);
    if (!(await this.deps.store.reopenDelivery(id))) {
      throw new FacegateError('CONFLICT', `Delivery ${id} is ${d.state}; only a dead delivery can be sent again`);
    }
    const opts = {
      key: `${id}:again:${d.attempts.length}`,
      maxAttempts: this.deps.maxAttempts,
      backoffMs: this.deps.backoffMs,
    };
    await this.deps.queue.enqueue(DELIVER_JOB, { deliveryId: id }, opts);
    return (await this.deps.store.getDelivery(id))!;
  }

  async subscribe(input: unknown): Promise<Subscription> {
    const parsed = subscriptionInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new FacegateError(
        'INVALID_PARAMETER',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    const s = parsed.data;
    if (!this.deps.notifiers[s.channel]) {
      throw new FacegateError('INVALID_PARAMETER', `The ${s.channel} channel is not configured on this server`);
    }
    if (s.channel === 'webhook' && !/^https?:\/\//.test(s.target)) {
      throw new FacegateError('INVALID_PARAMETER', 'A webhook target must be an http(s) URL');
    }
    if (s.channel === 'webhook') await assertWebhookTarget(s.target, this.deps.allowLinkLocalWebhooks ?? false);
    return this.deps.store.createSubscription({
      id: randomUUID(),
      channel: s.channel,
      target: s.target,
      eventTypes: s.eventTypes,
      collectionId: s.collectionId ?? null,
      pipeline: s.pipeline ?? null,
      secret: s.channel === 'webhook' ? (s.secret ?? randomBytes(24).toString('base64url')) : null,
    });
  }

  private async fanOut(event: DomainEvent): Promise<void> {
    for (const sub of await this.deps.store.matching(event)) {
      const deliveryId = await this.deps.store.createDelivery(event, sub);
      await this.deps.queue.enqueue(
        DELIVER_JOB,
        { deliveryId },
        { key: deliveryId, maxAttempts: this.deps.maxAttempts, backoffMs: this.deps.backoffMs },
      );
    }
  }

  private async deliver(job: Job): Promise<void> {
    const { deliveryId } = deliverJobSchema.parse(job.payload);
    const store = this.deps.store;
    const d = await store.getDelivery(deliveryId);
    if (!d || d.state !== 'pending') return;
    const sub = await store.getSubscription(d.subscriptionId);
    const event = await this.deps.outbox.get(d.eventId);
    const notifier = sub && this.deps.notifiers[sub.channel];
    const started = Date.now();
    const attempt = { attempt: job.attempt, at: new Date(started) };
    if (!sub || !event || !notifier) {
      const error = !sub ? 'subscription deleted' : !event ? 'event missing' : `${d.channel} channel not configured`;
      await store.recordAttempt(deliveryId, { ...attempt, ok: false, status: null, error, durationMs: 0 }, 'dead');
      this.settled.emit(deliveryId);
      return;
    }
    try {
      const copy = this.deps.copyFor ? await this.deps.copyFor(event, sub) : event;
      const sending = notifier.send(await this.render(copy, sub), sub);
      const receipt = await within(sending, this.deps.sendTimeoutMs ?? 30_000, `the ${sub.channel} channel`);
      const ms = Date.now() - started;
      await store.recordAttempt(
        deliveryId,
        { ...attempt, ok: true, status: receipt.status ?? null, error: receipt.detail ?? null, durationMs: ms },
        'delivered',
      );
      this.settled.emit(deliveryId);
    } catch (e) {
      const final = job.attempt >= job.maxAttempts;
      const status = (e as { status?: unknown }).status;
      const error = e instanceof Error ? e.message : String(e);
      await store.recordAttempt(
        deliveryId,
        {
          ...attempt,
          ok: false,
          status: typeof status === 'number' ? status : null,
          error,
          durationMs: Date.now() - started,
        },
        final ? 'dead' : 'pending',
      );
      if (final) {
        this.log.warn({ deliveryId, channel: sub.channel, error }, 'delivery dead-lettered');
        this.settled.emit(deliveryId);
      }
      throw e;
    }
  }

  private async render(event: DomainEvent, sub: Subscription): Promise<Notification> {
    const n: Notification = { event, subject: renderSubject(event), text: renderText(event), attachments: [] };
    const { bucket, thumbnailKey } = event.data;
    if (
      sub.channel === 'email' &&
      this.deps.objects &&
      typeof bucket === 'string' &&
      typeof thumbnailKey === 'string'
    ) {
      const obj = await this.deps.objects.get(bucket, thumbnailKey);
      if (obj) n.attachments.push({ filename: 'thumbnail.jpg', content: obj.body, contentType: 'image/jpeg' });
    }
    return n;
  }
}
