// `facegate migrate --to postgres [--check]`: copies the embedded data directory's database (<dataDir>/facegate.db)
// into the Postgres of FACEGATE_DATABASE_URL (schema FACEGATE_DATABASE_SCHEMA) and, when FACEGATE_S3_BUCKET is set,
// its objects (<dataDir>/objects) into that S3-compatible store; then verifies every table and every bucket by counts
// and checksums. `--check` only compares. Both copies are resumable (run again after an interruption). Run it with
// the server stopped (the data directory is held meanwhile). The job queue is not copied (let it drain first).
import { join } from 'node:path';
import type { Command } from 'commander';
import { holdDataDir } from '../app/datadir.lock.ts';
import { loadConfig } from '../config/config.ts';
import { openPgDatabase } from '../db/pg.database.ts';
import { comparePg, copyToPg, type TableReport } from '../db/pg.copy.ts';
import { openDeploymentDatabase } from '../db/sqlite.database.ts';
import { descriptorCipherOf } from '../governance/crypto/crypto.factory.ts';
import { LocalObjectStore } from '../storage/local.object-store.driver.ts';
import { compareObjects, copyObjects, type BucketReport } from '../storage/object.copy.ts';
import { S3ObjectStore } from '../storage/s3.object-store.driver.ts';

interface MigrateFlags {
  to: string;
  check?: boolean;
  dataDir?: string;
  json?: boolean;
}

export interface MigrateReport {
  tables: TableReport[];
  /** One entry per local bucket; empty when no S3 bucket is configured (objects stay local). */
  objects: BucketReport[];
}

function print(report: MigrateReport, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const mark = (same: boolean) => (same ? 'same' : 'DIFFERENT');
  for (const r of report.tables) {
    console.log(
      `${r.table.padEnd(20)} sqlite ${String(r.sqliteRows).padStart(8)} ${r.sqliteChecksum}  ` +
        `postgres ${String(r.pgRows).padStart(8)} ${r.pgChecksum}  ${mark(r.same)}`,
    );
  }
  for (const b of report.objects) {
    const copied = b.copied === undefined ? '' : `  (${b.copied} copied, ${b.skipped} already there)`;
    console.log(
      `objects ${b.bucket.padEnd(20)} local ${String(b.localObjects).padStart(8)} ${b.localChecksum}  ` +
        `s3 ${String(b.targetObjects).padStart(8)} ${b.targetChecksum}  ${mark(b.same)}${copied}`,
    );
    if (b.differing.length) console.log(`  missing or different in s3: ${b.differing.join(', ')}`);
    if (b.extra.length) console.log(`  only in s3: ${b.extra.join(', ')}`);
  }
}

/** Exit status: 0 when every table and every bucket is the same on both sides, 1 otherwise. */
export async function runMigrate(flags: MigrateFlags): Promise<number> {
  if (flags.to !== 'postgres') throw new Error(`--to ${flags.to}: only postgres is supported`);
  const config = loadConfig(process.env, flags.dataDir ? { dataDir: flags.dataDir } : {});
  const url = config.database.url;
  if (!url) throw new Error('set FACEGATE_DATABASE_URL=postgres://… to the target database');
  const say = (line: string) => {
    if (!flags.json) console.error(line);
  };
  const release = holdDataDir(config.dataDir);
  const sqlite = openDeploymentDatabase(config.dataDir);
  const pg = openPgDatabase(url, config.database.schema, 4);
  const s3 = config.objectStore;
  // The objects as stored, on both sides: encrypted objects move as their ciphertext (see object.copy.ts).
  const local = new LocalObjectStore(join(config.dataDir, 'objects'));
  let target: S3ObjectStore | undefined;
  try {
    if (s3.bucket) target = await S3ObjectStore.open({ ...s3, bucket: s3.bucket });
    // With the deployment's master key, descriptors sealed on SQLite are opened and sealed again on Postgres (as
    // are those stored before encryption was switched on); without it they are copied as they are stored.
    const descriptors = descriptorCipherOf(config, config.dataDir);
    const options = descriptors ? { descriptors } : {};
    const tables = flags.check
      ? await comparePg(sqlite.db, pg.pool, pg.schema, options)
      : await copyToPg(sqlite.db, pg.pool, pg.schema, (t) => say(`copying ${t}`), options);
    let objects: BucketReport[] = [];
    if (!target) {
      say(`objects stay in ${join(config.dataDir, 'objects')} (set FACEGATE_S3_BUCKET and FACEGATE_S3_* to copy them)`);
    } else if (flags.check) {
      objects = await compareObjects(local, target);
    } else {
      const done = { copied: 0, skipped: 0 };
      objects = await copyObjects(local, target, {
        onObject: (p) => {
          done[p.action]++;
          if ((done.copied + done.skipped) % 100 === 0) say(`objects: ${done.copied} copied, ${done.skipped} skipped`);
        },
      });
      say(`objects: ${done.copied} copied, ${done.skipped} already there`);
    }
    print({ tables, objects }, flags.json === true);
    return tables.every((r) => r.same) && objects.every((b) => b.same) ? 0 : 1;
  } finally {
    target?.close();
    await pg.close();
    sqlite.close();
    release();
  }
}

export function register(program: Command): void {
  program
    .command('migrate')
    .description(
      'Copy the embedded database into Postgres (FACEGATE_DATABASE_URL) and the objects into S3 (FACEGATE_S3_*), ' +
        'and verify both; --check compares only',
    )
    .requiredOption('--to <engine>', 'target: postgres')
    .option('--check', 'compare counts and checksums without copying')
    .option('--data-dir <dir>', 'data directory (default ./data, FACEGATE_DATA_DIR)')
    .option('--json', 'print the report ({ tables, objects }) as JSON')
    .action(async (flags: MigrateFlags) => {
      process.exitCode = await runMigrate(flags);
    });
}
