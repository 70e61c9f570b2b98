// Copies an embedded deployment database into Postgres (`facegate migrate --to postgres`) and compares the two
// (`--check`). Resumable: rows go in batches with ON CONFLICT DO NOTHING, so a copy that was interrupted is run again
// and skips what is already there. Verified per table by row counts and an order-independent checksum (the sum of a
// hash of each row's values, converted to one canonical form on both sides). Descriptors (faces, the door's unknown
// visitors) sealed on SQLite (encryption at rest) are opened on the way and, with the master key set, sealed again
// under the active data key as they go into Postgres, so the target holds no descriptor in the clear (plaintext ones
// from before encryption was switched on included); the comparison opens both sides.
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import { pgApiKeyStore } from '../api/rest/keys/apikey.pg.ts';
import { openPgPipelineStore } from '../apps/pipeline/pipeline.pg.driver.ts';
import { pgCandidateStore } from '../apps/proctor/candidates.pg.ts';
import { pgPeopleStore } from '../apps/verify/people.pg.ts';
import { openPgMetadataStore } from '../collections/pg.metadata.driver.ts';
import { openPgNotifyStore } from '../notify/notify.pg.driver.ts';
import { pgDoorStore } from '../apps/door/door.pg.driver.ts';
import { pgGovernanceStores } from '../governance/governance.factory.ts';
import { pgCameraStore } from '../streams/camera.pg.ts';
import { pgProcessorStore } from '../streams/processors/processor.pg.ts';
import { pgBucketQuotaStore } from '../storage/quota/bucket-quota.pg.ts';
import { openPgLivenessStore } from '../liveness/liveness.pg.driver.ts';
import type { BlobCipher } from '../collections/metadata.port.ts';
import { FacegateError } from '../errors.ts';
import { isEncrypted } from '../governance/crypto/encrypted.object-store.ts';
import { withPgTransaction } from './pg.database.ts';
import { pgIdent } from './pg.migrate.ts';
import { TABLES, type Column, type TableCopy } from './pg.copy.tables.ts';

export interface CopyOptions {
  /**
   * The deployment's descriptor cipher (master key): opens descriptors sealed at rest and seals them on Postgres.
   * Without it, descriptors are copied as plaintext and a sealed one stops the copy.
   */
  descriptors?: BlobCipher;
}

export interface TableReport {
  table: string;
  sqliteRows: number;
  pgRows: number;
  sqliteChecksum: string;
  pgChecksum: string;
  same: boolean;
}

/** Every Postgres store's tables, migrated (the same scripts the stores run at start). */
export async function preparePgSchema(pool: Pool, schema: string): Promise<void> {
  await openPgMetadataStore(pool, schema);
  await pgApiKeyStore(pool, schema);
  await pgPeopleStore(pool, schema);
  await pgCandidateStore(pool, schema);
  await openPgPipelineStore(pool, schema);
  await openPgNotifyStore(pool, schema);
  await pgDoorStore(pool, schema);
  await pgCameraStore(pool, schema);
  await pgProcessorStore(pool, schema);
  await openPgLivenessStore(pool, schema);
  await pgGovernanceStores(pool, schema);
  await pgBucketQuotaStore(pool, schema);
}

type Value = string | number | boolean | null;

const sorted = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sorted)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
        )
      : v;

/** One column's value in the form both sides are compared in. */
function canonical(kind: Column['kind'], v: unknown, side: 'sqlite' | 'pg'): Value {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'text':
      return String(v);
    case 'int':
    case 'ms':
      return Math.round(Number(v));
    case 'real':
      return Number(v);
    case 'ts':
      return side === 'pg' ? (v as Date).getTime() : Number(v);
    case 'bool':
      return side === 'pg' ? Boolean(v) : Number(v) === 1;
    case 'json':
      return JSON.stringify(sorted(side === 'pg' ? v : JSON.parse(String(v))));
    case 'blob':
      return Buffer.from(v as Uint8Array).toString('hex');
  }
}

/** A SQLite value as a Postgres parameter. */
function toPg(kind: Column['kind'], v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'ts':
      return new Date(Number(v));
    case 'bool':
      return Number(v) === 1;
    case 'int':
    case 'ms':
      return Math.round(Number(v));
    case 'text':
    case 'real':
    case 'json':
    case 'blob':
      return v;
  }
}

class Checksum {
  rows = 0;
  private sum = 0n;
  add(values: Value[]): void {
    this.rows++;
    const h = createHash('sha256').update(JSON.stringify(values)).digest();
    this.sum = (this.sum + h.readBigUInt64BE(0)) & 0xffff_ffff_ffff_ffffn;
  }
  get hex(): string {
    return this.sum.toString(16).padStart(16, '0');
  }
}

const hasTable = (db: Database, name: string): boolean =>
  db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;

/** A sealed BLOB's plaintext, in place (BLOBs written before encryption pass as they are). `row` by SQLite names. */
function unseal(c: Column, row: Record<string, unknown>, options: CopyOptions): void {
  const v = row[c.from];
  if (!c.sealedBy || !(v instanceof Uint8Array) || !isEncrypted(v)) return;
  if (!options.descriptors) {
    throw new FacegateError(
      'INVALID_PARAMETER',
      `${c.from} values are encrypted at rest: set FACEGATE_MASTER_KEY (or _FILE) as for the server`,
    );
  }
  row[c.from] = options.descriptors.open(Buffer.from(v), c.sealedBy(row));
}

/** A plaintext BLOB sealed for Postgres under the active data key, in place (as the Postgres stores seal it). */
function reseal(c: Column, row: Record<string, unknown>, options: CopyOptions): void {
  const v = row[c.from];
  if (c.sealedBy && options.descriptors && v instanceof Uint8Array) {
    row[c.from] = options.descriptors.seal(Buffer.from(v), c.sealedBy(row));
  }
}

/** SQLite rows of a table in rowid pages, sealed BLOBs opened. */
function* sqliteRows(
  db: Database,
  t: TableCopy,
  options: CopyOptions,
  page = 500,
): Generator<Record<string, unknown>[]> {
  const cols = t.columns.map((c) => (c.from === 'rowid' ? 'rowid AS "rowid"' : `"${c.from}"`)).join(', ');
  const stmt = db.prepare(`SELECT rowid AS __r, ${cols} FROM "${t.table}" WHERE rowid > ? ORDER BY rowid LIMIT ?`);
  const sealed = t.columns.filter((c) => c.sealedBy);
  for (let after = 0; ;) {
    const rows = stmt.all(after, page) as Record<string, unknown>[];
    if (rows.length === 0) return;
    for (const r of rows) for (const c of sealed) unseal(c, r, options);
    yield rows;
    after = Number(rows[rows.length - 1]!.__r);
  }
}

async function copyTable(db: Database, pool: Pool, s: string, t: TableCopy, options: CopyOptions): Promise<void> {
  const target = `${s}.${pgIdent(t.pgTable ?? t.table)}`;
  const cols = t.columns.map((c) => `"${c.to}"`).join(', ');
  const override = t.identity ? ' OVERRIDING SYSTEM VALUE' : '';
  const sealed = t.columns.filter((c) => c.sealedBy);
  for (const rows of sqliteRows(db, t, options)) {
    for (const r of rows) for (const c of sealed) reseal(c, r, options);
    const params: unknown[] = [];
    const tuples = rows.map((r) => `(${t.columns.map((c) => `$${params.push(toPg(c.kind, r[c.from]))}`).join(', ')})`);
    // One transaction per batch: a batch is in or out, and a rerun skips it.
    await withPgTransaction(pool, (client) =>
      client.query(
        `INSERT INTO ${target} (${cols})${override} VALUES ${tuples.join(', ')}
         ON CONFLICT (${t.key.map((k) => `"${k}"`).join(', ')}) DO NOTHING`,
        params,
      ),
    );
  }
  if (t.identity) {
    await pool.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT MAX("${t.identity}") FROM ${target}), 1))`,
      [target, t.identity],
    );
  }
}

async function pgChecksum(pool: Pool, s: string, t: TableCopy, options: CopyOptions): Promise<Checksum> {
  const sum = new Checksum();
  const compared = t.columns.filter((c) => !c.uncompared);
  const sealed = compared.filter((c) => c.sealedBy);
  const target = `${s}.${pgIdent(t.pgTable ?? t.table)}`;
  // --check before any copy: a table not created yet holds no rows.
  const exists = await pool.query<{ r: string | null }>('SELECT to_regclass($1) AS r', [target]);
  if (!exists.rows[0]?.r) return sum;
  const key = t.key.map((k) => `"${k}"`).join(', ');
  const keyCols = t.key.map((k) => `"${k}" AS "__k_${k}"`).join(', ');
  for (let after: unknown[] | undefined; ;) {
    const where = after ? `WHERE (${key}) > (${t.key.map((_, i) => `$${i + 1}`).join(', ')})` : '';
    const { rows } = await pool.query<Record<string, unknown>>(
      // Named as on SQLite, so that `sealedBy` reads the same row on both sides.
      `SELECT ${keyCols}, ${compared.map((c) => `"${c.to}" AS "${c.from}"`).join(', ')} FROM ${target} ${where}
       ORDER BY ${key} LIMIT 1000`,
      after ?? [],
    );
    for (const r of rows) {
      for (const c of sealed) unseal(c, r, options);
      sum.add(compared.map((c) => canonical(c.kind, r[c.from], 'pg')));
    }
    if (rows.length < 1000) return sum;
    const last = rows[rows.length - 1]!;
    after = t.key.map((k) => last[`__k_${k}`]);
  }
}

function sqliteChecksum(db: Database, t: TableCopy, options: CopyOptions): Checksum {
  const sum = new Checksum();
  const compared = t.columns.filter((c) => !c.uncompared);
  for (const rows of sqliteRows(db, t, options, 2000)) {
    for (const r of rows) sum.add(compared.map((c) => canonical(c.kind, r[c.from], 'sqlite')));
  }
  return sum;
}

/** Counts and checksums of every copied table on both sides. */
export async function comparePg(
  db: Database,
  pool: Pool,
  schema: string,
  options: CopyOptions = {},
): Promise<TableReport[]> {
  const s = pgIdent(schema);
  const out: TableReport[] = [];
  for (const t of TABLES) {
    if (!hasTable(db, t.table)) continue;
    const a = sqliteChecksum(db, t, options);
    const b = await pgChecksum(pool, s, t, options);
    out.push({
      table: t.table,
      sqliteRows: a.rows,
      pgRows: b.rows,
      sqliteChecksum: a.hex,
      pgChecksum: b.hex,
      same: a.rows === b.rows && a.hex === b.hex,
    });
  }
  return out;
}

/** Copies every table (parents first), then compares; `onTable` reports progress. */
export async function copyToPg(
  db: Database,
  pool: Pool,
  schema: string,
  onTable: (table: string) => void = () => undefined,
  options: CopyOptions = {},
): Promise<TableReport[]> {
  await preparePgSchema(pool, schema);
  const s = pgIdent(schema);
  for (const t of TABLES) {
    if (!hasTable(db, t.table)) continue;
    onTable(t.table);
    await copyTable(db, pool, s, t, options);
  }
  return comparePg(db, pool, schema, options);
}
