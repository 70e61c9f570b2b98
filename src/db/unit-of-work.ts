// The unit of work: writes of several parts (a person's row, their faces, an event) committed in one transaction of
// the deployment's one database, all or none. A store stages a write (a `Staged` with the code for its driver) and
// the caller hands every staged write to `commit`. Services see `Staged` as opaque; only drivers fill it in.
//
// Why staging rather than "begin, await, commit": on SQLite one handle is shared by every request, so a transaction
// kept open across an await would take in other requests' statements. Staged writes run back to back, synchronously
// on SQLite, on one dedicated client on Postgres. Derived state (the vector index) is updated after the commit.

/** The slice of a pg client a staged write uses (kept structural so that services never import pg). */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

export interface Staged {
  /** Runs inside the unit's SQLite transaction, on the shared handle (synchronous by construction). */
  sqlite?: () => void;
  /** Runs on the Postgres client that holds the unit's transaction. */
  pg?: (client: SqlClient) => Promise<void>;
}

export interface CommitOptions {
  /** The writes delete personal data: leave no old page image behind (SQLite: checkpoint the WAL with TRUNCATE). */
  erase?: boolean;
}

export interface UnitOfWork {
  /** Applies the writes in order in one transaction. A write that throws rolls every one of them back. */
  commit(writes: readonly Staged[], options?: CommitOptions): Promise<void>;
}
