// `facegate audit verify|export|purge`: the audit log in the store the server uses (governance.databaseUrl or the
// embedded database). verify exits 1 when the chain is broken, naming the first bad entry.
import type { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import { openGovernance, type GovernanceServices } from '../governance/governance.factory.ts';

async function withGovernance<T>(fn: (g: GovernanceServices) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const opened = await openGovernance(config, config.dataDir);
  try {
    return await fn(opened.value);
  } finally {
    await opened.close();
  }
}

export function register(program: Command): void {
  const audit = program.command('audit').description('The audit log of biometric operations: verify, export, purge');
  audit
    .command('verify')
    .description('Check the hash chain of the audit log')
    .option('--json', 'print JSON', false)
    .action(async (o: { json: boolean }) => {
      const v = await withGovernance((g) => g.audit.verify());
      if (o.json) console.log(JSON.stringify(v));
      else if (v.ok) console.log(`audit log intact: ${v.checked} entries${v.anchor ? ` after #${v.anchor.seq}` : ''}`);
      else console.error(`audit log BROKEN at entry ${v.problem!.seq}: ${v.problem!.reason}`);
      if (!v.ok) process.exitCode = 1;
    });
  audit
    .command('export')
    .description('Print every entry as NDJSON')
    .action(async () => {
      await withGovernance(async (g) => {
        for await (const e of g.audit.all({})) process.stdout.write(JSON.stringify(e) + '\n');
      });
    });
  audit
    .command('purge')
    .description('Remove entries older than the audit retention (FACEGATE_AUDIT_RETENTION_DAYS)')
    .action(async () => {
      const days = loadConfig().governance.auditRetentionDays;
      if (days === 0) return console.log('audit retention is 0 (keep): nothing purged');
      const n = await withGovernance((g) => g.audit.purgeOlderThan(days * 86_400_000));
      console.log(`purged ${n} audit entries older than ${days} days`);
    });
}
