// `facegate keys create|list|revoke`: REST API keys, in the store the server uses. The full key is
// printed once, at creation; only its hash is stored.
import type { Command } from 'commander';
import { APPS, ROLES, type AppName } from '../api/rest/keys/apikey.port.ts';
import type { ApiKeyService, RoleInput } from '../api/rest/keys/apikey.service.ts';
import { openRestKeys } from '../apps/apps.factory.ts';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/config.ts';
import { keyringPath, masterKeyOf } from '../governance/crypto/crypto.factory.ts';
import { parseMasterKey, rewrapKeyring, rotateDataKey } from '../governance/crypto/keyring.ts';
import { reencryptDescriptors } from '../governance/crypto/reencrypt.ts';

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

interface CreateFlags {
  name: string;
  role: string;
  admin: boolean;
  collections?: string;
  apps?: string;
  quota?: string;
  json: boolean;
}

/** `a, b` → ['a', 'b']; absent or empty → undefined (no limit). */
function listOf(text: string | undefined): string[] | undefined {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

const scopeText = (k: { collections: string[] | null; apps: string[] | null }): string =>
  (k.collections ? `, collections ${k.collections.join(',')}` : '') + (k.apps ? `, apps ${k.apps.join(',')}` : '');

export function register(program: Command): void {
  const keys = program.command('keys').description('REST API keys: create, list, revoke');
  keys
    .command('create')
    .description('Create a key and print it (shown once)')
    .requiredOption('-n, --name <name>', 'who or what the key is for')
    .option('-r, --role <role>', `${ROLES.join('|')} ('user' = operator, its former name)`, 'operator')
    .option('--admin', 'shortcut for --role admin', false)
    .option('--collections <ids>', 'comma-separated collection ids the key is limited to')
    .option('--apps <apps>', `comma-separated apps the key is limited to: ${APPS.join(', ')}`)
    .option('-q, --quota <n>', 'requests per UTC day (0 = unlimited; default from FACEGATE_REST_DAILY_QUOTA)')
    .option('--json', 'print JSON', false)
    .action(async (o: CreateFlags) => {
      const quota = o.quota === undefined ? null : Number(o.quota);
      if (quota !== null && (!Number.isInteger(quota) || quota < 0)) {
        program.error(`--quota must be a whole number ≥ 0, got ${o.quota}`);
      }
      const role = o.admin ? 'admin' : o.role;
      if (![...ROLES, 'user'].includes(role)) program.error(`--role must be one of ${ROLES.join(', ')}, got ${role}`);
      const collections = listOf(o.collections);
      if (collections?.some((c) => !/^[a-zA-Z0-9_.-]{1,255}$/.test(c))) {
        program.error(`--collections holds an invalid collection id: ${o.collections}`);
      }
      const apps = listOf(o.apps);
      const unknown = apps?.filter((a) => !(APPS as readonly string[]).includes(a));
      if (unknown?.length) program.error(`--apps: unknown app ${unknown.join(', ')} (known: ${APPS.join(', ')})`);
      const { key, view } = await withKeys((k) =>
        k.create({
          name: o.name,
          role: role as RoleInput,
          dailyQuota: quota,
          ...(collections ? { collections } : {}),
          ...(apps ? { apps: apps as AppName[] } : {}),
        }),
      );
      if (o.json) console.log(JSON.stringify({ key, apiKey: view }));
      else
        console.log(
          `${key}\n(id ${view.id}, role ${view.role}${scopeText(view)}, quota ${view.dailyQuota || 'unlimited'}/day; store it now: it is not shown again)`,
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
          `${k.id}  ${k.role.padEnd(8)}  ${String(k.usedToday).padStart(6)}/${k.dailyQuota || '∞'}  ${state}  ${k.name}${scopeText(k)}`,
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
      console.log(
        `data key ${id} is now active; running servers pick it up without a restart ` +
          '(facegate keys reencrypt re-seals the stored descriptors under it)',
      );
    });
  keys
    .command('reencrypt')
    .description(
      'Encryption at rest: re-seal every stored descriptor under the active data key (SQLite: server stopped)',
    )
    .action(async () => {
      const r = await reencryptDescriptors(loadConfig());
      console.log(
        `${r.faces} face descriptors, ` +
          (r.engine === 'postgres' ? `${r.vectorRows} vector rows, ` : '') +
          `${r.door} door descriptors re-sealed under the active data key (${r.engine})`,
      );
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
