// `facegate keys create|list|revoke`: REST API keys, in the store the server uses. The full key is
// printed once, at creation; only its hash is stored.
import type { Command } from 'commander';
import type { ApiKeyService } from '../api/rest/keys/apikey.service.ts';
import { openRestKeys } from '../apps/apps.factory.ts';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/config.ts';
import { keyringPath, masterKeyOf } from '../governance/crypto/crypto.factory.ts';
import { parseMasterKey, rewrapKeyring, rotateDataKey } from '../governance/crypto/keyring.ts';

/** The same store the server uses: Postgres when FACEGATE_KEYS_DATABASE_URL is set, else <dataDir>/facegate.db. */
async function withKeys<T>(fn: (keys: ApiKeyService) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const opened = await openRestKeys(config, config.dataDir);
  try {
    return await fn(opened.value);
  } finally {
    await opened.close();
  }
}

export function register(program: Command): void {
  const keys = program.command('keys').description('REST API keys: create, list, revoke');
  keys
    .command('create')
    .description('Create a key and print it (shown once)')
    .requiredOption('-n, --name <name>', 'who or what the key is for')
    .option('--admin', 'may manage keys', false)
    .option('-q, --quota <n>', 'requests per UTC day (0 = unlimited; default from FACEGATE_REST_DAILY_QUOTA)')
    .option('--json', 'print JSON', false)
    .action(async (o: { name: string; admin: boolean; quota?: string; json: boolean }) => {
      const quota = o.quota === undefined ? null : Number(o.quota);
      if (quota !== null && (!Number.isInteger(quota) || quota < 0)) {
        program.error(`--quota must be a whole number ≥ 0, got ${o.quota}`);
      }
      const { key, view } = await withKeys((k) =>
        k.create({ name: o.name, role: o.admin ? 'admin' : 'user', dailyQuota: quota }),
      );
      if (o.json) console.log(JSON.stringify({ key, apiKey: view }));
      else
        console.log(
          `${key}\n(id ${view.id}, role ${view.role}, quota ${view.dailyQuota || 'unlimited'}/day; store it now: it is not shown again)`,
        );
    });
  keys
    .command('list')
    .description('List keys with today’s usage')
    .option('--json', 'print JSON', false)
    .action(async (o: { json: boolean }) => {
      const list = await withKeys((k) => k.list());
      if (o.json) return console.log(JSON.stringify(list));
      for (const k of list) {
        const state = k.revokedAt ? `revoked ${k.revokedAt}` : 'active';
        console.log(
          `${k.id}  ${k.role.padEnd(5)}  ${String(k.usedToday).padStart(6)}/${k.dailyQuota || '∞'}  ${state}  ${k.name}`,
        );
      }
    });
  keys
    .command('rotate-data-key')
    .description('Encryption at rest: add a new data key for new objects (old keys stay to read old ones)')
    .action(() => {
      const config = loadConfig();
      const master = masterKeyOf(config);
      if (!master) program.error('Encryption at rest is off: set FACEGATE_MASTER_KEY or FACEGATE_MASTER_KEY_FILE');
      const id = rotateDataKey(keyringPath(config.dataDir), master);
      console.log(`data key ${id} is now active; running servers pick it up without a restart`);
    });
  keys
    .command('rewrap')
    .description('Encryption at rest: re-wrap every data key under a new master key (objects are not rewritten)')
    .requiredOption('--new-master-key-file <file>', 'file holding the new master key (base64 of 32 bytes)')
    .action((o: { newMasterKeyFile: string }) => {
      const config = loadConfig();
      const master = masterKeyOf(config);
      if (!master) program.error('Set the current key in FACEGATE_MASTER_KEY or FACEGATE_MASTER_KEY_FILE');
      const next = parseMasterKey(readFileSync(o.newMasterKeyFile, 'utf8'), o.newMasterKeyFile);
      const n = rewrapKeyring(keyringPath(config.dataDir), master, next);
      console.log(`${n} data keys re-wrapped; restart with the new master key`);
    });
  keys
    .command('revoke')
    .description('Revoke a key by id')
    .argument('<id>', 'the 12-character key id')
    .action(async (id: string) => {
      try {
        await withKeys((k) => k.revoke(id));
        console.log(`revoked ${id}`);
      } catch (e) {
        console.error((e as Error).message);
        process.exitCode = 1;
      }
    });
}
