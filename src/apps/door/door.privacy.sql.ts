// The door's share of subject access, erasure and retention, over the same SqlExecutor as the DoorStore (one SQL
// text for SQLite and Postgres). Object deletion and face removal are the caller's (door.privacy.ts): this only
// reads and changes rows.
import type { DoorDescriptors } from './door.descriptors.ts';
import { toAttempt, toPasscode, toPending, toVisit, toVisitor } from './door.rows.ts';
import type { Attempt, DoorVisit, Passcode, PendingVisit, Visitor } from './door.types.ts';
import type { DoorPrivacyStore } from './door.store.port.ts';
import type { SqlExecutor } from './sql.executor.ts';

type Row = Record<string, unknown>;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export class SqlDoorPrivacyStore implements DoorPrivacyStore {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly descriptors: DoorDescriptors,
  ) {}

  async visitorsNaming(ids: string[], faceIds: string[]): Promise<Visitor[]> {
    if (!ids.length && !faceIds.length) return [];
    const byId = ids.length ? `id IN (${marks(ids.length)})` : 'FALSE';
    const byFace = faceIds.length
      ? `id IN (SELECT visitor_id FROM ~door_visitor_faces WHERE face_id IN (${marks(faceIds.length)}))`
      : 'FALSE';
    const rows = await this.sql.all<Row>(`SELECT * FROM ~door_visitors WHERE ${byId} OR ${byFace} ORDER BY id`, [
      ...ids,
      ...faceIds,
    ]);
    return rows.map(toVisitor);
  }

  async passcodesOf(visitorId: string): Promise<Passcode[]> {
    const rows = await this.sql.all<Row>(`SELECT * FROM ~door_passcodes WHERE visitor_id = ? ORDER BY created_at`, [
      visitorId,
    ]);
    return rows.map(toPasscode);
  }

  async pendingOf(visitorId: string): Promise<PendingVisit[]> {
    const rows = await this.sql.all<Row>(`SELECT * FROM ~door_pending WHERE visitor_id = ? ORDER BY created_at`, [
      visitorId,
    ]);
    return rows.map((r) => toPending(r, this.descriptors));
  }

  async visitsOf(visitorId: string): Promise<DoorVisit[]> {
    const rows = await this.sql.all<Row>(
      `SELECT * FROM ~door_visits WHERE visitor_id = ? OR id IN (SELECT visit_id FROM ~door_pending WHERE visitor_id = ?)
       ORDER BY at, id`,
      [visitorId, visitorId],
    );
    return rows.map(toVisit);
  }

  async attemptsOf(visitorId: string): Promise<Attempt[]> {
    const rows = await this.sql.all<Row>(`SELECT * FROM ~door_attempts WHERE visitor_id = ? ORDER BY seq`, [visitorId]);
    return rows.map(toAttempt);
  }

  async eraseVisitor(visitorId: string): Promise<number> {
    const p = [visitorId];
    let n = 0;
    const count = async (sql: string, params: unknown[]) => Number((await this.sql.all<Row>(sql, params))[0]?.n ?? 0);
    n += await count(`SELECT COUNT(*) AS n FROM ~door_visitors WHERE id = ?`, p);
    n += await count(`SELECT COUNT(*) AS n FROM ~door_passcodes WHERE visitor_id = ?`, p);
    n += await count(
      `SELECT COUNT(*) AS n FROM ~door_visits WHERE visitor_id = ? OR id IN (SELECT visit_id FROM ~door_pending WHERE visitor_id = ?)`,
      [visitorId, visitorId],
    );
    n += await count(`SELECT COUNT(*) AS n FROM ~door_pending WHERE visitor_id = ?`, p);
    await this.sql.batch([
      {
        sql: `DELETE FROM ~door_visits WHERE visitor_id = ? OR id IN (SELECT visit_id FROM ~door_pending WHERE visitor_id = ?)`,
        params: [visitorId, visitorId],
      },
      { sql: `DELETE FROM ~door_pending WHERE visitor_id = ?`, params: p },
      { sql: `DELETE FROM ~door_passcodes WHERE visitor_id = ?`, params: p },
      { sql: `UPDATE ~door_attempts SET visitor_id = NULL WHERE visitor_id = ?`, params: p },
      { sql: `DELETE FROM ~door_visitor_faces WHERE visitor_id = ?`, params: p },
      { sql: `DELETE FROM ~door_visitors WHERE id = ?`, params: p },
    ]);
    return n;
  }

  async undecidedBefore(doorId: string, before: Date, limit: number): Promise<PendingVisit[]> {
    const rows = await this.sql.all<Row>(
      `SELECT * FROM ~door_pending WHERE door_id = ? AND state <> 'approved' AND created_at < ?
       ORDER BY created_at, id LIMIT ?`,
      [doorId, before.getTime(), limit],
    );
    return rows.map((r) => toPending(r, this.descriptors));
  }

  async visitsBefore(doorId: string, before: Date, limit: number): Promise<DoorVisit[]> {
    const rows = await this.sql.all<Row>(
      `SELECT * FROM ~door_visits WHERE door_id = ? AND at < ? ORDER BY at, id LIMIT ?`,
      [doorId, before.getTime(), limit],
    );
    return rows.map(toVisit);
  }

  async strangerSnapshotsBefore(doorId: string, before: Date, limit: number): Promise<DoorVisit[]> {
    const rows = await this.sql.all<Row>(
      `SELECT * FROM ~door_visits WHERE door_id = ? AND kind <> 'known' AND snapshot IS NOT NULL AND at < ?
       ORDER BY at, id LIMIT ?`,
      [doorId, before.getTime(), limit],
    );
    return rows.map(toVisit);
  }

  async deletePending(doorId: string, ids: string[], endedBefore: Date): Promise<number> {
    const n = ids.length ? await this.sql.run(`DELETE FROM ~door_pending WHERE id IN (${marks(ids.length)})`, ids) : 0;
    // A denial holds the stranger's descriptor for the cool-down only; after it, it has no use.
    await this.sql.run(`DELETE FROM ~door_denials WHERE door_id = ? AND until_at < ?`, [doorId, endedBefore.getTime()]);
    return n;
  }

  async clearSnapshots(visitIds: string[]): Promise<number> {
    if (!visitIds.length) return 0;
    return this.sql.run(`UPDATE ~door_visits SET snapshot = NULL WHERE id IN (${marks(visitIds.length)})`, visitIds);
  }

  async deleteVisits(visitIds: string[]): Promise<number> {
    if (!visitIds.length) return 0;
    return this.sql.run(`DELETE FROM ~door_visits WHERE id IN (${marks(visitIds.length)})`, visitIds);
  }

  async deleteAttemptsBefore(doorId: string, before: Date): Promise<number> {
    return this.sql.run(`DELETE FROM ~door_attempts WHERE door_id = ? AND at < ?`, [doorId, before.getTime()]);
  }
}
