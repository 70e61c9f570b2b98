// The pipeline's jobs database as a holder of personal data, and its retention: runs (with their steps and
// records), the faces and objects those records point to, domain events, notification deliveries and the SMS
// outbox. Works on the jobs database handle the pipeline part opens.
import type { SqliteDatabase } from '../../jobs/sqlite.database.ts';
import type { PersonalDataHolder, Subject } from '../../governance/privacy.types.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';

type Row = Record<string, unknown>;

/** Removes the face a pipeline record indexed (collections.deleteFaces). */
export type FaceDropper = (collectionId: string, faceId: string) => Promise<void>;

/** What the retention job may purge here, with the cutoff (epoch ms) for each kind. */
export interface PipelineCutoffs {
  events?: number;
  deliveries?: number;
  sms?: number;
  /** Finished runs (and their steps); records and their faces stay until `records`. */
  runs?: number;
  /** Indexed faces with their photo and thumbnail objects. */
  records?: number;
}

/** What governance uses of a pipeline privacy holder, on SQLite or Postgres (pipeline.privacy.pg.ts). */
export type PipelinePrivacyPort = Pick<PipelinePrivacy, 'holder' | 'purge'>;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export class PipelinePrivacy {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly objects: ObjectStore,
    private readonly dropFace: FaceDropper,
  ) {}

  /**
   * Runs, events and SMS rows that name the subject, by the ids in their structured fields: records by user and
   * face id, runs by their records and their input's userId, events by their run or by any string value of their
   * data equal to one of the ids (faceId, externalImageId, visitorId, faceIds[], matches[].faceId …), SMS by their
   * event or their recipient. Free text (a name in a message body) is never matched: it would take rows about
   * others whose text contains it.
   */
  private find(s: Subject): { runs: string[]; events: string[]; sms: string[]; records: Row[] } {
    const ids = JSON.stringify([...new Set([s.personId, ...s.faceIds, ...s.externalIds])]);
    const IDS = '(SELECT value FROM json_each(?))';
    const records = this.db
      .prepare(`SELECT * FROM pipeline_records WHERE user_id IN ${IDS} OR face_id IN ${IDS}`)
      .all(ids, ids) as Row[];
    const byInput = this.db
      .prepare(`SELECT id FROM pipeline_runs WHERE json_extract(input, '$.userId') IN ${IDS}`)
      .all(ids) as Row[];
    const runs = [...new Set([...records.map((r) => String(r.run_id)), ...byInput.map((r) => String(r.id))])];
    const events = this.db
      .prepare(
        `SELECT id FROM events WHERE run_id IN ${IDS}
           OR EXISTS (SELECT 1 FROM json_tree(events.data) t WHERE t.type = 'text' AND t.atom IN ${IDS})`,
      )
      .all(JSON.stringify(runs), ids) as Row[];
    const eventIds = events.map((e) => String(e.id));
    const sms = this.db
      .prepare(`SELECT id FROM sms_outbox WHERE recipient IN ${IDS} OR event_id IN ${IDS}`)
      .all(JSON.stringify(s.phones), JSON.stringify(eventIds)) as Row[];
    return { runs, events: eventIds, sms: sms.map((r) => String(r.id)), records };
  }

  holder(): PersonalDataHolder {
    return {
      name: 'pipeline',
      export: async (s) => {
        const f = this.find(s);
        const rows = (table: string, col: string, ids: string[]) =>
          ids.length
            ? this.db.prepare(`SELECT * FROM ${table} WHERE ${col} IN (${placeholders(ids.length)})`).all(...ids)
            : [];
        return {
          records: {
            runs: rows('pipeline_runs', 'id', f.runs),
            steps: rows('pipeline_steps', 'run_id', f.runs),
            records: f.records,
            events: rows('events', 'id', f.events),
            deliveries: rows('deliveries', 'event_id', f.events),
            sms: rows('sms_outbox', 'id', f.sms),
          },
        };
      },
      erase: async (s) => {
        const f = this.find(s);
        for (const r of f.records) await this.dropRecordData(r);
        return this.deleteRows(f.runs, f.events, f.sms);
      },
    };
  }

  private async dropRecordData(r: Row): Promise<void> {
    await this.dropFace(String(r.collection_id), String(r.face_id));
    await this.objects.delete(String(r.bucket), String(r.object_key));
    if (r.thumbnail_key) await this.objects.delete(String(r.bucket), String(r.thumbnail_key));
  }

  private deleteRows(runs: string[], events: string[], sms: string[]): number {
    const del = (sql: string, ids: string[]) =>
      ids.length ? this.db.prepare(sql.replace('(?)', `(${placeholders(ids.length)})`)).run(...ids).changes : 0;
    return this.db.transaction(() => {
      let n = 0;
      n += del(
        `DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_id IN (?))`,
        events,
      );
      n += del(`DELETE FROM deliveries WHERE event_id IN (?)`, events);
      n += del(`DELETE FROM sms_outbox WHERE id IN (?)`, sms);
      n += del(`DELETE FROM events WHERE id IN (?)`, events);
      n += del(`DELETE FROM pipeline_records WHERE run_id IN (?)`, runs);
      n += del(`DELETE FROM pipeline_steps WHERE run_id IN (?)`, runs);
      n += del(`UPDATE watched_files SET run_id = NULL WHERE run_id IN (?)`, runs);
      n += del(`DELETE FROM pipeline_runs WHERE id IN (?)`, runs);
      return n;
    })();
  }

  /**
   * Retention: removes what is older than each cutoff; returns counts per kind. With `pipeline`, records, runs and
   * events of that pipeline only (deliveries and SMS are not per pipeline: pass them without one).
   */
  async purge(c: PipelineCutoffs, pipeline?: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const of = pipeline === undefined ? '' : ' AND pipeline = ?';
    const p = pipeline === undefined ? [] : [pipeline];
    if (c.records !== undefined) {
      const old = this.db
        .prepare(`SELECT * FROM pipeline_records WHERE created_at < ?${of}`)
        .all(c.records, ...p) as Row[];
      for (const r of old) await this.dropRecordData(r);
      const del = this.db.prepare(`DELETE FROM pipeline_records WHERE run_id = ?`);
      out.records = this.db.transaction(() => old.reduce((n, r) => n + del.run(String(r.run_id)).changes, 0))();
    }
    const tx = this.db.transaction(() => {
      if (c.deliveries !== undefined) {
        this.db
          .prepare(
            `DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE created_at < ?)`,
          )
          .run(c.deliveries);
        out.deliveries = this.db.prepare(`DELETE FROM deliveries WHERE created_at < ?`).run(c.deliveries).changes;
      }
      if (c.sms !== undefined)
        out.sms = this.db.prepare(`DELETE FROM sms_outbox WHERE created_at < ?`).run(c.sms).changes;
      if (c.events !== undefined) {
        // occurred_at is ISO-8601 UTC text, so string order is time order. Undelivered events stay.
        out.events = this.db
          .prepare(`DELETE FROM events WHERE occurred_at < ? AND dispatched_at IS NOT NULL${of}`)
          .run(new Date(c.events).toISOString(), ...p).changes;
      }
      if (c.runs !== undefined) {
        const where = `finished_at IS NOT NULL AND finished_at < ? AND id NOT IN (SELECT run_id FROM pipeline_records)`;
        this.db
          .prepare(`DELETE FROM pipeline_steps WHERE run_id IN (SELECT id FROM pipeline_runs WHERE ${where})`)
          .run(c.runs);
        this.db
          .prepare(
            `UPDATE watched_files SET run_id = NULL WHERE run_id IN (SELECT id FROM pipeline_runs WHERE ${where})`,
          )
          .run(c.runs);
        out.runs = this.db.prepare(`DELETE FROM pipeline_runs WHERE ${where}`).run(c.runs).changes;
      }
    });
    tx();
    return out;
  }
}
