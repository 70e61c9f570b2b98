// `facegate migrate --to postgres [--check]`: copies the embedded data directory's database (<dataDir>/facegate.db)
// into the Postgres of FACEGATE_DATABASE_URL (schema FACEGATE_DATABASE_SCHEMA), then verifies every table by counts
// and checksums; `--check` only compares. Run it with the server stopped (the data directory is held meanwhile).
// Objects stay in <dataDir>/objects; the job queue is not copied (let it drain first).
import type { Command } from 'commander';
import { holdDataDir } from '../app/datadir.lock.ts';
import { loadConfig } from '../config/config.ts';
import { openPgDatabase } from '../db/pg.database.ts';
import { comparePg, copyToPg, type TableReport } from '../db/pg.copy.ts';
import { openDeploymentDatabase } from '../db/sqlite.database.ts';

interface MigrateFlags {
  to: string;
  check?: boolean;
  dataDir?: string;
  json?: boolean;
}

function print(reports: TableReport[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify(reports, null, 2));
    return;
  }
  for (const r of reports) {
    const mark = r.same ? 'same' : 'DIFFERENT';
    console.log(
      `${r.table.padEnd(20)} sqlite ${String(r.sqliteRows).padStart(8)} ${r.sqliteChecksum}  ` +
        `postgres ${String(r.pgRows).padStart(8)} ${r.pgChecksum}  ${mark}`,
    );
  }
}

/** Exit status: 0 when every table is the same on both sides, 1 otherwise. */
export async function runMigrate(flags: MigrateFlags): Promise<number> {
  if (flags.to !== 'postgres') throw new Error(`--to ${flags.to}: only postgres is supported`);
  const config = loadConfig(process.env, flags.dataDir ? { dataDir: flags.dataDir } : {});
  const url = config.database.url;
  if (!url) throw new Error('set FACEGATE_DATABASE_URL=postgres://… to the target database');
  const release = holdDataDir(config.dataDir);
  const sqlite = openDeploymentDatabase(config.dataDir);
  const pg = openPgDatabase(url, config.database.schema, 4);
  try {
    const reports = flags.check
      ? await comparePg(sqlite.db, pg.pool, pg.schema)
      : await copyToPg(sqlite.db, pg.pool, pg.schema, (t) => {
          if (!flags.json) console.error(`copying ${t}`);
        });
    print(reports, flags.json === true);
    return reports.every((r) => r.same) ? 0 : 1;
  } finally {
    await pg.close();
    sqlite.close();
    release();
  }
}

export function register(program: Command): void {
  program
    .command('migrate')
    .description(
      'Copy the embedded database into Postgres (FACEGATE_DATABASE_URL) and verify it; --check compares only',
    )
    .requiredOption('--to <engine>', 'target: postgres')
    .option('--check', 'compare counts and checksums without copying')
    .option('--data-dir <dir>', 'data directory (default ./data, FACEGATE_DATA_DIR)')
    .option('--json', 'print the per-table report as JSON')
    .action(async (flags: MigrateFlags) => {
      process.exitCode = await runMigrate(flags);
    });
}
