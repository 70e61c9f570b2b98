// Watched directories: each new file starts one run, once, even across restarts (the store remembers every path and
// the run's idempotency key is the path). A file is taken only when its size and mtime were the same on two scans
// in a row, so a file still being copied in is not read half-written. Polling, not fs.watch: it behaves the same on
// network shares and in containers, and a missed notification cannot lose a file.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Logger } from '../../logger.ts';
import type { PipelineService } from './pipeline.service.ts';
import type { PipelineStore, Run } from './pipeline.types.ts';

const IMAGE = /\.(jpe?g|png|webp)$/i;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && IMAGE.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

export class DirectoryWatcher {
  private readonly log: Logger;
  private readonly lastSeen = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<Run[]> | undefined;

  constructor(
    private readonly service: PipelineService,
    private readonly store: PipelineStore,
    logger: Logger,
    private readonly pollMs: number,
  ) {
    this.log = logger.child({ module: 'pipeline.watch' });
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.scanOnce().catch((e: unknown) => this.log.error({ err: e }, 'scan failed'));
    }, this.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.scanning?.catch(() => undefined);
  }

  /** One pass over every watched directory; returns the runs it started. Overlapping calls share one pass. */
  scanOnce(): Promise<Run[]> {
    this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scan(): Promise<Run[]> {
    const runs: Run[] = [];
    for (const def of await this.service.list()) {
      if (!def.watchDir) continue;
      let files: string[];
      try {
        files = await listFiles(def.watchDir);
      } catch (e) {
        this.log.warn(
          { pipeline: def.name, dir: def.watchDir, err: (e as Error).message },
          'cannot read watched directory',
        );
        continue;
      }
      for (const file of files) {
        const rel = relative(def.watchDir, file);
        if (await this.store.watchedFileSeen(def.name, rel)) continue;
        const s = await stat(file).catch(() => undefined);
        if (!s) continue;
        const sig = `${s.size}:${s.mtimeMs}`;
        const id = `${def.name}\0${rel}`;
        if (this.lastSeen.get(id) !== sig) {
          this.lastSeen.set(id, sig); // first sighting, or still growing: take it on the next pass
          continue;
        }
        this.lastSeen.delete(id);
        const run = await this.service.ingestFile(def.name, rel, new Uint8Array(await readFile(file)));
        await this.store.markWatchedFile(def.name, rel, s.size, run.id);
        this.log.info({ pipeline: def.name, file: rel, runId: run.id }, 'watched file ingested');
        runs.push(run);
      }
    }
    return runs;
  }
}
