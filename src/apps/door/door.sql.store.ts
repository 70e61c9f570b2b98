// The DoorStore over a SqlExecutor: one implementation, SQL both dialects accept, run by the SQLite and Postgres
// drivers. Event rows go into the same database's `events` outbox inside the write's transaction.
import { randomUUID } from 'node:crypto';
import { FacegateError } from '../../errors.ts';
import type { DomainEvent } from '../../events/event.types.ts';
import { SqlDoorPrivacyStore } from './door.privacy.sql.ts';
import type { DoorStore, DoorWrite } from './door.store.port.ts';
import type { BlobCipher } from '../../collections/metadata.port.ts';
import { doorDescriptors, resealDoorDescriptors, type DoorDescriptors } from './door.descriptors.ts';
import {
  doorDefinitionJson,
  photosJson,
  snapshotJson,
  toAttempt,
  toDenial,
  toDoor,
  toPasscode,
  toPending,
  toVisit,
  toVisitor,
} from './door.rows.ts';
import type { Attempt, Denial, Door, DoorVisit, Passcode, PendingState, PendingVisit, Visitor } from './door.types.ts';
import { NoRowChanged, type SqlExecutor, type Statement } from './sql.executor.ts';

type Row = Record<string, unknown>;
const FAILURES = `('wrong', 'expired', 'used')`;

export class SqlDoorStore implements DoorStore {
  readonly privacy: SqlDoorPrivacyStore;
  private readonly descriptors: DoorDescriptors;
  /** With `cipher` (encryption at rest), the descriptors of door_pending and door_denials are stored sealed. */
  constructor(
    private readonly sql: SqlExecutor,
    private readonly cipher?: BlobCipher,
  ) {
    this.descriptors = doorDescriptors(cipher);
    this.privacy = new SqlDoorPrivacyStore(sql, this.descriptors);
  }

  /** `facegate keys reencrypt`: re-seals the stored descriptors under the active data key (0 without a cipher). */
  async resealDescriptors(): Promise<number> {
    return this.cipher ? resealDoorDescriptors(this.sql, this.cipher) : 0;
  }

  async secret(generate: () => string): Promise<string> {
    await this.sql.run(`INSERT INTO ~door_secrets (name, value) VALUES ('hmac', ?) ON CONFLICT (name) DO NOTHING`, [
      generate(),
    ]);
    const rows = await this.sql.all<Row>(`SELECT value FROM ~door_secrets WHERE name = 'hmac'`);
    return String(rows[0]!.value);
  }

  async putDoor(door: Door): Promise<Door> {
    await this.sql.run(
      `INSERT INTO ~doors (id, name, collection_id, definition, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, collection_id = excluded.collection_id,
         definition = excluded.definition`,
      [door.id, door.name, door.collectionId, doorDefinitionJson(door), door.createdAt.getTime()],
    );
    return (await this.getDoor(door.id))!;
  }

  async getDoor(id: string): Promise<Door | undefined> {
    const [r] = await this.sql.all<Row>(`SELECT * FROM ~doors WHERE id = ?`, [id]);
    return r && toDoor(r);
  }

  async listDoors(): Promise<Door[]> {
    return (await this.sql.all<Row>(`SELECT * FROM ~doors ORDER BY id`)).map(toDoor);
  }

  async deleteDoor(id: string): Promise<boolean> {
    return (await this.sql.run(`DELETE FROM ~doors WHERE id = ?`, [id])) > 0;
  }

  async commit(w: DoorWrite, now: Date): Promise<DomainEvent[]> {
    const st: Statement[] = [];
    if (w.visitor) st.push(...visitorStatements(w.visitor));
    if (w.visit) st.push(visitStatement(w.visit));
    if (w.pending) st.push(pendingStatement(w.pending, this.descriptors));
    if (w.decide) {
      const d = w.decide;
      st.push({
        sql: `UPDATE ~door_pending SET state = ?, decided_at = ?, visitor_id = ? WHERE id = ? AND state = 'pending'`,
        params: [d.state, d.at.getTime(), d.visitorId, d.pendingId],
        mustChange: `The request ${d.pendingId} was decided already`,
      });
    }
    if (w.denial) st.push(denialStatement(w.denial, this.descriptors));
    if (w.consume) {
      st.push({
        sql: `UPDATE ~door_passcodes SET used_at = ? WHERE id = ? AND used_at IS NULL`,
        params: [w.consume.at.getTime(), w.consume.passcodeId],
        mustChange: 'The passcode was used already',
      });
    }
    if (w.passcode) st.push(passcodeStatement(w.passcode));
    if (w.attempt) st.push(attemptStatement(w.attempt));
    const events: DomainEvent[] = (w.events ?? []).map((e) => ({
      ...e,
      id: randomUUID(),
      occurredAt: now.toISOString(),
    }));
    for (const e of events) {
      st.push({
        sql: `INSERT INTO ~events (id, type, collection_id, pipeline, run_id, data, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        params: [
          e.id,
          e.type,
          e.collectionId ?? null,
          e.pipeline ?? null,
          e.runId ?? null,
          JSON.stringify(e.data),
          e.occurredAt,
        ],
      });
    }
    try {
      await this.sql.batch(st);
    } catch (e) {
      if (e instanceof NoRowChanged) throw new FacegateError('CONFLICT', e.message);
      throw e;
    }
    return events;
  }

  async getVisitor(id: string): Promise<Visitor | undefined> {
    const [r] = await this.sql.all<Row>(`SELECT * FROM ~door_visitors WHERE id = ?`, [id]);
    return r && toVisitor(r);
  }

  async listVisitors(doorId: string): Promise<Visitor[]> {
    const rows = await this.sql.all<Row>(
      `SELECT * FROM ~door_visitors WHERE door_id = ? ORDER BY created_at DESC, id`,
      [doorId],
    );
    return rows.map(toVisitor);
  }

  async visitorByFace(doorId: string, faceId: string): Promise<Visitor | undefined> {
    const [r] = await this.sql.all<Row>(
      `SELECT v.* FROM ~door_visitor_faces f JOIN ~door_visitors v ON v.id = f.visitor_id
       WHERE f.door_id = ? AND f.face_id = ?`,
      [doorId, faceId],
    );
    return r && toVisitor(r);
  }

  async deleteVisitor(id: string): Promise<boolean> {
    const existed = (await this.getVisitor(id)) !== undefined;
    // Their passcodes die with them: a deleted visitor's code must not open the door.
    await this.sql.batch([
      { sql: `DELETE FROM ~door_visitor_faces WHERE visitor_id = ?`, params: [id] },
      { sql: `UPDATE ~door_passcodes SET used_at = created_at WHERE visitor_id = ? AND used_at IS NULL`, params: [id] },
      { sql: `DELETE FROM ~door_visitors WHERE id = ?`, params: [id] },
    ]);
    return existed;
  }

  async findPasscodes(doorId: string, codeHash: string): Promise<Passcode[]> {
    const rows = await this.sql.all<Row>(
      `SELECT * FROM ~door_passcodes WHERE door_id = ? AND code_hash = ? ORDER BY created_at DESC, id LIMIT 10`,
      [doorId, codeHash],
    );
    return rows.map(toPasscode);
  }

  async markSent(passcodeId: string, at: Date): Promise<void> {
    await this.sql.run(`UPDATE ~door_passcodes SET sent_at = ? WHERE id = ?`, [at.getTime(), passcodeId]);
  }

  async unsentPasscodes(now: Date): Promise<Passcode[]> {
    const rows = await this.sql.all<Row>(
      `SELECT * FROM ~door_passcodes WHERE sent_at IS NULL AND used_at IS NULL AND expires_at > ? ORDER BY created_at`,
      [now.getTime()],
    );
    return rows.map(toPasscode);
  }

  async revokePasscode(passcodeId: string, at: Date): Promise<boolean> {
    const changed = await this.sql.run(`UPDATE ~door_passcodes SET used_at = ? WHERE id = ? AND used_at IS NULL`, [
      at.getTime(),
      passcodeId,
    ]);
    return changed > 0;
  }

  async getPending(id: string): Promise<PendingVisit | undefined> {
    const [r] = await this.sql.all<Row>(`SELECT * FROM ~door_pending WHERE id = ?`, [id]);
    return r && toPending(r, this.descriptors);
  }

  async listPending(doorId: string, state?: PendingState, limit = 100): Promise<PendingVisit[]> {
    const rows = await this.sql.all<Row>(
      `SELECT * FROM ~door_pending WHERE door_id = ? AND (CAST(? AS TEXT) IS NULL OR state = ?) ORDER BY created_at DESC, id LIMIT ?`,
      [doorId, state ?? null, state ?? null, limit],
    );
    return rows.map((r) => toPending(r, this.descriptors));
  }

  async activeDenials(doorId: string, now: Date): Promise<Denial[]> {
    const rows = await this.sql.all<Row>(`SELECT * FROM ~door_denials WHERE door_id = ? AND until_at > ?`, [
      doorId,
      now.getTime(),
    ]);
    return rows.map((r) => toDenial(r, this.descriptors));
  }

  async listVisits(doorId: string, limit = 100): Promise<DoorVisit[]> {
    const rows = await this.sql.all<Row>(`SELECT * FROM ~door_visits WHERE door_id = ? ORDER BY at DESC, id LIMIT ?`, [
      doorId,
      limit,
    ]);
    return rows.map(toVisit);
  }

  async lastKnownVisit(doorId: string, visitorId: string): Promise<Date | undefined> {
    const [r] = await this.sql.all<Row>(
      `SELECT MAX(at) AS at FROM ~door_visits WHERE door_id = ? AND visitor_id = ? AND kind = 'known'`,
      [doorId, visitorId],
    );
    return r?.at === null || r?.at === undefined ? undefined : new Date(Number(r.at));
  }

  async recordAttempt(a: Attempt): Promise<void> {
    const s = attemptStatement(a);
    await this.sql.run(s.sql, s.params);
  }

  async listAttempts(doorId: string, limit = 100): Promise<Attempt[]> {
    const rows = await this.sql.all<Row>(`SELECT * FROM ~door_attempts WHERE door_id = ? ORDER BY seq DESC LIMIT ?`, [
      doorId,
      limit,
    ]);
    return rows.map(toAttempt);
  }

  async failureStreak(
    doorId: string,
    address: string | null,
    since: Date,
  ): Promise<{ count: number; lastAt: Date | null }> {
    const [r] = await this.sql.all<Row>(
      `SELECT COUNT(*) AS n, MAX(at) AS last FROM ~door_attempts
       WHERE door_id = ? AND (CAST(? AS TEXT) IS NULL OR address = ?) AND outcome IN ${FAILURES} AND at > ?
         AND seq > COALESCE((SELECT MAX(seq) FROM ~door_attempts
                             WHERE door_id = ? AND (CAST(? AS TEXT) IS NULL OR address = ?) AND outcome = 'granted'), 0)`,
      [doorId, address, address, since.getTime(), doorId, address, address],
    );
    const count = Number(r?.n ?? 0);
    return { count, lastAt: count > 0 ? new Date(Number(r!.last)) : null };
  }
}

function visitorStatements(v: Visitor): Statement[] {
  return [
    {
      sql: `INSERT INTO ~door_visitors (id, door_id, name, phone, face_ids, photos, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      params: [v.id, v.doorId, v.name, v.phone, JSON.stringify(v.faceIds), photosJson(v.photos), v.createdAt.getTime()],
    },
    ...v.faceIds.map((f) => ({
      sql: `INSERT INTO ~door_visitor_faces (door_id, face_id, visitor_id) VALUES (?, ?, ?)
            ON CONFLICT (door_id, face_id) DO UPDATE SET visitor_id = excluded.visitor_id`,
      params: [v.doorId, f, v.id],
    })),
  ];
}

const visitStatement = (v: DoorVisit): Statement => ({
  sql: `INSERT INTO ~door_visits (id, door_id, kind, visitor_id, similarity, snapshot, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  params: [v.id, v.doorId, v.kind, v.visitorId, v.similarity, snapshotJson(v.snapshot), v.at.getTime()],
});

const pendingStatement = (p: PendingVisit, d: DoorDescriptors): Statement => ({
  sql: `INSERT INTO ~door_pending (id, door_id, visit_id, state, photos, descriptor, created_at, decided_at, visitor_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  params: [
    p.id,
    p.doorId,
    p.visitId,
    p.state,
    photosJson(p.photos),
    d.stored('door_pending', p.id, p.descriptor),
    p.createdAt.getTime(),
    p.decidedAt?.getTime() ?? null,
    p.visitorId,
  ],
});

const denialStatement = (d: Denial, c: DoorDescriptors): Statement => ({
  sql: `INSERT INTO ~door_denials (id, door_id, pending_id, descriptor, denied_at, until_at) VALUES (?, ?, ?, ?, ?, ?)`,
  params: [
    d.id,
    d.doorId,
    d.pendingId,
    c.stored('door_denials', d.id, d.descriptor),
    d.deniedAt.getTime(),
    d.until.getTime(),
  ],
});

const passcodeStatement = (p: Passcode): Statement => ({
  sql: `INSERT INTO ~door_passcodes (id, visitor_id, door_id, code_hash, created_at, expires_at, used_at, sent_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  params: [
    p.id,
    p.visitorId,
    p.doorId,
    p.codeHash,
    p.createdAt.getTime(),
    p.expiresAt.getTime(),
    p.usedAt?.getTime() ?? null,
    p.sentAt?.getTime() ?? null,
  ],
});

const attemptStatement = (a: Attempt): Statement => ({
  sql: `INSERT INTO ~door_attempts (at, door_id, outcome, address, visitor_id) VALUES (?, ?, ?, ?, ?)`,
  params: [a.at.getTime(), a.doorId, a.outcome, a.address, a.visitorId],
});
