// The shape of `facegate migrate`'s table list (pg.copy.tables.ts): each SQLite table, its Postgres twin, and how
// every column maps and is compared.

export type Kind = 'text' | 'int' | 'real' | 'json' | 'ts' | 'ms' | 'bool' | 'blob';

export interface Column {
  /** SQLite column (or expression, e.g. rowid). */
  from: string;
  /** Postgres column. */
  to: string;
  kind: Kind;
  /** Left out of the comparison (a value Postgres derives, e.g. an insertion order). */
  uncompared?: boolean;
  /**
   * A BLOB either side may hold sealed (encryption at rest, governance/crypto), bound to the string this returns
   * (given the row by SQLite column names): opened before the comparison on both sides, and sealed again under the
   * active data key on its way into Postgres when the master key is set.
   */
  sealedBy?: (row: Record<string, unknown>) => string;
}

export interface TableCopy {
  table: string;
  /** Postgres table when its name differs. */
  pgTable?: string;
  /** Postgres key for ON CONFLICT (resumable copies skip rows already there). */
  key: string[];
  /** A Postgres identity column copied as is (OVERRIDING SYSTEM VALUE), its sequence moved past the maximum after. */
  identity?: string;
  columns: Column[];
}

export const col = (name: string, kind: Kind, to = name): Column => ({ from: name, to, kind });
