// The PeopleStore / CandidateStore contract on SQLite (in memory) and on Postgres (a fresh schema per test).
import { pgCandidateStore } from '../../src/apps/proctor/candidates.pg.ts';
import { sqliteCandidateStore } from '../../src/apps/proctor/candidates.sqlite.ts';
import { pgPeopleStore } from '../../src/apps/verify/people.pg.ts';
import { sqlitePeopleStore } from '../../src/apps/verify/people.sqlite.ts';
import { pgUnitOfWork } from '../../src/db/pg.unit-of-work.ts';
import { openSqliteFile } from '../../src/db/sqlite.database.ts';
import { sqliteUnitOfWork } from '../../src/db/sqlite.unit-of-work.ts';
import { freshPgSchema } from '../helpers/services.ts';
import { peopleStoreContract } from './people.contract.ts';

peopleStoreContract('SQLite', async () => {
  const db = openSqliteFile(':memory:');
  return {
    people: sqlitePeopleStore(db),
    candidates: sqliteCandidateStore(db),
    unitOfWork: sqliteUnitOfWork(db),
    close: async () => void db.close(),
  };
});

peopleStoreContract('Postgres', async () => {
  const pg = await freshPgSchema('people');
  return {
    people: await pgPeopleStore(pg.pool, pg.schema),
    candidates: await pgCandidateStore(pg.pool, pg.schema),
    unitOfWork: pgUnitOfWork(pg.pool),
    close: () => pg.close(),
  };
});
