// Numbered migrations on Postgres, per part (collections, apps, pipeline, door, governance, …), run at start under an
// advisory lock so that several processes can start at once: the first migrates, the others wait and find it done.
// Applied versions are recorded in `<schema>.facegate_migrations`. Released scripts are never edited: append one.
import type { Pool } from 'pg';

/** A schema name safe to interpolate (Postgres identifiers cannot be bound as parameters). */
export function pgIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid SQL identifier ${name}`);
  return `"${name}"`;
}

/**
 * Applies the scripts of `part` not yet applied, in order, each in the one transaction that holds the lock.
 * Scripts may use `${schema}` (replaced by the quoted schema name) to qualify their tables.
 */
export async function migratePg(
  pool: Pool,
  part: string,
  scripts: readonly string[],
  schema = 'public',
): Promise<void> {
  const s = pgIdent(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`facegate.migrate.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.facegate_migrations (
      part TEXT NOT NULL, version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (part, version))`);
    const { rows } = await client.query<{ v: number | null }>(
      `SELECT MAX(version) AS v FROM ${s}.facegate_migrations WHERE part = $1`,
      [part],
    );
    const done = rows[0]?.v ?? 0;
    for (const [i, sql] of scripts.entries()) {
      const version = i + 1;
      if (version <= done) continue;
      await client.query(sql.replaceAll('${schema}', s));
      await client.query(`INSERT INTO ${s}.facegate_migrations (part, version) VALUES ($1, $2)`, [part, version]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
