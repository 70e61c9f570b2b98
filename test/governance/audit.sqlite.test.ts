import Database from 'better-sqlite3';
import { sqliteAuditStore } from '../../src/governance/audit.sqlite.ts';
import { auditStoreContract } from './audit.store.contract.ts';

auditStoreContract('SQLite (in memory)', async () => {
  const db = new Database(':memory:');
  const store = sqliteAuditStore(db);
  // Someone with the file can drop the guards; the chain still tells.
  const unguarded = () => {
    db.exec('DROP TRIGGER IF EXISTS audit_log_chained_columns; DROP TRIGGER IF EXISTS audit_log_no_delete');
  };
  return {
    store,
    tamper: {
      setColumn: async (seq, column, value) => {
        unguarded();
        db.prepare(`UPDATE audit_log SET ${column} = ? WHERE seq = ?`).run(value, seq);
      },
      remove: async (seq) => {
        unguarded();
        db.prepare(`DELETE FROM audit_log WHERE seq = ?`).run(seq);
      },
    },
    plainUpdate: async (seq) => {
      db.prepare(`UPDATE audit_log SET decision = 'forged' WHERE seq = ?`).run(seq);
    },
    close: async () => void db.close(),
  };
});
