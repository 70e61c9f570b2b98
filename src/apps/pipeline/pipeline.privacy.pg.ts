// The pipeline's Postgres tables as a holder of personal data, and their retention: the same rows and rules as
// the SQLite holder (pipeline.privacy.sqlite.ts) on the deployment's schema, where a Postgres deployment keeps its
// runs, records, events, deliveries and SMS outbox. Times: created_at columns are epoch ms (BIGINT); events'
// occurred_at is ISO-8601 UTC text, so string order is time order.
import type pg from 'pg';
import { pgIdent } from '../../db/pg.migrate.ts';
import { withPgTransaction } from '../../db/pg.database.ts';
import type { PersonalDataHolder, Subject } from '../../governance/privacy.types.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import type { FaceDropper, PipelineCutoffs } from './pipeline.privacy.sqlite.ts';

type Row = Record<string, unknown>;

export class PgPipelinePrivacy {
  private readonly s: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
    private readonly objects: ObjectStore,
    private readonly dropFace: FaceDropper,
  ) {
    this.s = pgIdent(schema);
  }

  /** Runs, events and SMS rows that name the subject, by the ids in their structured fields (as on SQLite). */
  private async find(sub: Subject): Promise<{ runs: string[]; events: string[]; sms: string[]; records: Row[] }> {
    const ids = [...new Set([sub.personId, ...sub.faceIds, ...sub.externalIds])];
    const q = async (sql: string, params: unknown[]) => (await this.pool.query(sql, params)).rows as Row[];
    const records = await q(
      `SELECT * FROM ${this.s}.pipeline_records WHERE user_id = ANY($1::text[]) OR face_id = ANY($1::text[])`,
      [ids],
    );
    const byInput = await q(`SELECT id FROM ${this.s}.pipeline_runs WHERE input->>'userId' = ANY($1::text[])`, [ids]);
    const runs = [...new Set([...records.map((r) => String(r.run_id)), ...byInput.map((r) => String(r.id))])];
    // Every string value of the event's data, at any depth ('strict $.**' also yields the root, skipped as non-string).
    const events = await q(
      `SELECT id FROM ${this.s}.events e WHERE run_id = ANY($2::text[]) OR EXISTS (
         SELECT 1 FROM jsonb_path_query(e.data, 'strict $.**') v
          WHERE jsonb_typeof(v) = 'string' AND v #>> '{}' = ANY($1::text[]))`,
      [ids, runs],
    );
    const eventIds = events.map((e) => String(e.id));
    const sms = await q(
      `SELECT id FROM ${this.s}.sms_outbox WHERE recipient = ANY($1::text[]) OR event_id = ANY($2::text[])`,
      [sub.phones, eventIds],
    );
    return { runs, events: eventIds, sms: sms.map((r) => String(r.id)), records };
  }

  holder(): PersonalDataHolder {
    return {
      name: 'pipeline',
      export: async (sub) => {
        const f = await this.find(sub);
        const rows = async (table: string, col: string, ids: string[]) =>
          ids.length
            ? (await this.pool.query(`SELECT * FROM ${this.s}.${table} WHERE ${col} = ANY($1::text[])`, [ids])).rows
            : [];
        return {
          records: {
            runs: await rows('pipeline_runs', 'id', f.runs),
            steps: await rows('pipeline_steps', 'run_id', f.runs),
            records: f.records,
            events: await rows('events', 'id', f.events),
            deliveries: await rows('deliveries', 'event_id', f.events),
            sms: await rows('sms_outbox', 'id', f.sms),
          },
        };
      },
      erase: async (sub) => {
        const f = await this.find(sub);
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

  /** Runs `work` in one transaction on one client. */
  private tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return withPgTransaction(this.pool, work);
  }

  private deleteRows(runs: string[], events: string[], sms: string[]): Promise<number> {
    const s = this.s;
    return this.tx(async (c) => {
      const del = async (sql: string, ids: string[]) => (ids.length ? ((await c.query(sql, [ids])).rowCount ?? 0) : 0);
      let n = 0;
      // delivery_attempts go with their deliveries (ON DELETE CASCADE); counted as on SQLite.
      n += await del(
        `DELETE FROM ${s}.delivery_attempts WHERE delivery_id IN
           (SELECT id FROM ${s}.deliveries WHERE event_id = ANY($1::text[]))`,
        events,
      );
      n += await del(`DELETE FROM ${s}.deliveries WHERE event_id = ANY($1::text[])`, events);
      n += await del(`DELETE FROM ${s}.sms_outbox WHERE id = ANY($1::text[])`, sms);
      n += await del(`DELETE FROM ${s}.events WHERE id = ANY($1::text[])`, events);
      n += await del(`DELETE FROM ${s}.pipeline_records WHERE run_id = ANY($1::text[])`, runs);
      n += await del(`DELETE FROM ${s}.pipeline_steps WHERE run_id = ANY($1::text[])`, runs);
      n += await del(`UPDATE ${s}.watched_files SET run_id = NULL WHERE run_id = ANY($1::text[])`, runs);
      n += await del(`DELETE FROM ${s}.pipeline_runs WHERE id = ANY($1::text[])`, runs);
      return n;
    });
  }

  /** Retention, as on SQLite: removes what is older than each cutoff; returns counts per kind. */
  async purge(cut: PipelineCutoffs, pipeline?: string): Promise<Record<string, number>> {
    const s = this.s;
    const out: Record<string, number> = {};
    // $2 is the pipeline or NULL (every pipeline).
    const of = ' AND ($2::text IS NULL OR pipeline = $2)';
    const p = pipeline ?? null;
    if (cut.records !== undefined) {
      const old = (
        await this.pool.query(`SELECT * FROM ${s}.pipeline_records WHERE created_at < $1${of}`, [cut.records, p])
      ).rows as Row[];
      for (const r of old) await this.dropRecordData(r);
      const runIds = old.map((r) => String(r.run_id));
      out.records = runIds.length
        ? ((await this.pool.query(`DELETE FROM ${s}.pipeline_records WHERE run_id = ANY($1::text[])`, [runIds]))
            .rowCount ?? 0)
        : 0;
    }
    await this.tx(async (c) => {
      const n = async (sql: string, params: unknown[]) => (await c.query(sql, params)).rowCount ?? 0;
      if (cut.deliveries !== undefined)
        out.deliveries = await n(`DELETE FROM ${s}.deliveries WHERE created_at < $1`, [cut.deliveries]);
      if (cut.sms !== undefined) out.sms = await n(`DELETE FROM ${s}.sms_outbox WHERE created_at < $1`, [cut.sms]);
      if (cut.events !== undefined)
        out.events = await n(`DELETE FROM ${s}.events WHERE occurred_at < $1 AND dispatched_at IS NOT NULL${of}`, [
          new Date(cut.events).toISOString(),
          p,
        ]);
      if (cut.runs !== undefined) {
        const where = `finished_at IS NOT NULL AND finished_at < $1
          AND id NOT IN (SELECT run_id FROM ${s}.pipeline_records)`;
        await n(
          `UPDATE ${s}.watched_files SET run_id = NULL WHERE run_id IN (SELECT id FROM ${s}.pipeline_runs WHERE ${where})`,
          [cut.runs],
        );
        // Steps go with their runs (ON DELETE CASCADE).
        out.runs = await n(`DELETE FROM ${s}.pipeline_runs WHERE ${where}`, [cut.runs]);
      }
    });
    return out;
  }
}
