// Re-sealing the in-process index's stored rows (synced.vector.driver.ts owns `vector_rows`) under the active data
// key, for `facegate keys reencrypt`: it runs beside serving processes, which keep reading the rows they hold.
import type { Pool } from 'pg';
import { pgIdent } from '../db/pg.migrate.ts';
import type { BlobCipher } from './metadata.port.ts';

/**
 * Re-seals every stored embedding not sealed under the active data key (after a rotation, or rows written before
 * encryption was switched on); returns how many. The vectors do not change, so no log entry is written; a row
 * changed or deleted since it was read is left alone. Without the table (never opened here): 0.
 */
export async function resealVectorRows(pool: Pool, schema: string, cipher: BlobCipher): Promise<number> {
  const s = pgIdent(schema);
  const { rows: found } = await pool.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [`${s}.vector_rows`]);
  if (!found[0]?.t) return 0;
  let n = 0;
  for (let after = ['', '']; ;) {
    const { rows } = await pool.query<{ collection_id: string; face_id: string; embedding: Buffer }>(
      `SELECT collection_id, face_id, embedding FROM ${s}.vector_rows
       WHERE (collection_id, face_id) > ($1, $2) ORDER BY collection_id, face_id LIMIT 500`,
      after,
    );
    const stale = rows.filter((r) => !cipher.current(r.embedding));
    if (stale.length) {
      const sealed = stale.map((r) => {
        const aad = `${r.collection_id}/${r.face_id}`;
        return cipher.seal(cipher.open(r.embedding, aad), aad);
      });
      const res = await pool.query(
        `UPDATE ${s}.vector_rows v SET embedding = u.next
           FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bytea[]) AS u(c, id, prev, next)
          WHERE v.collection_id = u.c AND v.face_id = u.id AND v.embedding = u.prev`,
        [stale.map((r) => r.collection_id), stale.map((r) => r.face_id), stale.map((r) => r.embedding), sealed],
      );
      n += res.rowCount ?? 0;
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < 500) return n;
    after = [last.collection_id, last.face_id];
  }
}
