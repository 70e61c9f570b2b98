// Audit log cost: time per appended entry (one per biometric operation) and chain verification, on the embedded
// SQLite file (WAL, synchronous=FULL, as deployed) and on Postgres. Bounded: 500 entries each. Postgres from
// test/helpers/services.ts (FACEGATE_TEST_DATABASE_URL or the local server).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppsDatabase } from '../src/apps/apps.database.ts';
import { AuditService } from '../src/governance/audit.service.ts';
import { draftOf } from '../src/governance/audit.scope.ts';
import { sqliteAuditStore } from '../src/governance/audit.sqlite.ts';
import { pgAuditStore } from '../src/governance/audit.pg.ts';
import { freshPgSchema } from '../test/helpers/services.ts';
const N = 500;
const caller = { api: 'rest' as const, operation: 'identify', actorKind: 'key', actorId: 'k', address: '10.0.0.1' };
async function run(name: string, svc: AuditService) {
  const t = performance.now();
  for (let i = 0; i < N; i++)
    await svc.record(
      draftOf(caller, { personIds: [`p${i}`], faceIds: [`f${i}`], similarity: 91.2 }, 'ok', ['a'.repeat(64)]),
    );
  const append = (performance.now() - t) / N;
  const v = performance.now();
  const r = await svc.verify();
  console.log(
    `${name}: append ${append.toFixed(2)} ms/entry, verify ${N} entries ${(performance.now() - v).toFixed(0)} ms ok=${r.ok}`,
  );
}
const dir = mkdtempSync(join(tmpdir(), 'fg-bench-'));
const db = openAppsDatabase(dir);
await run('SQLite file (WAL, synchronous=FULL)', new AuditService(sqliteAuditStore(db)));
db.close();
rmSync(dir, { recursive: true, force: true });
const pg = await freshPgSchema('bench');
await run('Postgres 15 (localhost)', new AuditService(await pgAuditStore(pg.pool, pg.schema)));
await pg.close();
