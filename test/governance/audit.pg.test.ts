import { pgAuditStore } from '../../src/governance/audit.pg.ts';
import { freshPgSchema } from '../helpers/services.ts';
import { auditStoreContract } from './audit.store.contract.ts';

auditStoreContract('Postgres', async () => {
  const pg = await freshPgSchema('audit');
  const store = await pgAuditStore(pg.pool, pg.schema);
  const t = `"${pg.schema}".audit_log`;
  const unguarded = () => pg.pool.query(`ALTER TABLE ${t} DISABLE TRIGGER audit_log_guard`);
  return {
    store,
    tamper: {
      setColumn: async (seq, column, value) => {
        await unguarded();
        await pg.pool.query(`UPDATE ${t} SET ${column} = $1 WHERE seq = $2`, [value, seq]);
      },
      remove: async (seq) => {
        await unguarded();
        await pg.pool.query(`DELETE FROM ${t} WHERE seq = $1`, [seq]);
      },
    },
    plainUpdate: async (seq) => {
      await pg.pool.query(`UPDATE ${t} SET decision = 'forged' WHERE seq = $1`, [seq]);
    },
    close: () => pg.close(),
  };
});
