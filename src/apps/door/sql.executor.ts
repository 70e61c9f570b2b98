// The door store's whole contract with a database: read rows, run one statement, run a batch in one transaction.
// SQL is written once, in the dialect both SQLite and Postgres accept, with `?` placeholders and `~table` names
// (the driver qualifies them with its schema). Differences between the two stay in the drivers (~40 lines each).

export interface Statement {
  sql: string;
  params: unknown[];
  /** When set, the batch fails with this message (and rolls back) unless the statement changed a row. */
  mustChange?: string;
}

export class NoRowChanged extends Error {}

export interface SqlExecutor {
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Returns how many rows changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** All or nothing; throws NoRowChanged when a `mustChange` statement changed nothing. */
  batch(statements: Statement[]): Promise<void>;
}
