// `facegate index <path…> --collection <id>`: bulk IndexFaces of local files and folders into the embedded store,
// with a progress bar. One failing image is reported and skipped; it never stops the run.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { isFacegateError } from '../errors.ts';
import { externalIdFor, withCollections } from './collections.cli.ts';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp']);

async function listImages(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if ((await stat(p)).isDirectory()) {
      const names = (await readdir(p)).sort();
      out.push(...(await listImages(names.map((n) => join(p, n)))));
    } else if (IMAGE_EXT.has(extname(p).toLowerCase())) out.push(p);
  }
  return out;
}

interface IndexFlags {
  collection: string;
  dataDir?: string;
  maxFaces: string;
  qualityFilter: string;
  json?: boolean;
  progress: boolean;
}

interface FileResult {
  file: string;
  externalImageId: string;
  indexed: string[];
  unindexed: number;
  error?: string;
}

export function register(program: Command): void {
  program
    .command('index')
    .description('Index the faces in image files or folders into a collection (created if missing)')
    .argument('<paths...>', 'images or folders (JPEG, PNG, WebP; folders are walked)')
    .requiredOption('-c, --collection <id>', 'collection id')
    .option('--data-dir <dir>', 'data directory (default ./data, FACEGATE_DATA_DIR)')
    .option('--max-faces <n>', 'faces to index per image, largest first (1–100)', '1')
    .option('--quality-filter <f>', 'NONE, AUTO, LOW, MEDIUM or HIGH', 'AUTO')
    .option('--json', 'print one JSON result per file')
    .option('--no-progress', 'no progress bar')
    .action(async (paths: string[], flags: IndexFlags) => {
      const files = await listImages(paths);
      if (!files.length) throw new Error('no JPEG, PNG or WebP files found');
      const results = await withCollections(flags.dataDir, async ({ service }) => {
        try {
          await service.createCollection({ collectionId: flags.collection });
        } catch (e) {
          if (!(isFacegateError(e) && e.code === 'ALREADY_EXISTS')) throw e;
        }
        const bar = new SingleBar(
          { stream: process.stderr, format: ' {bar} {value}/{total} images | {faces} faces | {eta_formatted} left' },
          Presets.shades_classic,
        );
        if (flags.progress) bar.start(files.length, 0, { faces: 0 });
        const out: FileResult[] = [];
        let faces = 0;
        for (const file of files) {
          const externalImageId = externalIdFor(basename(file));
          try {
            const r = await service.indexFaces({
              collectionId: flags.collection,
              image: { bytes: await readFile(file) },
              externalImageId,
              maxFaces: Number(flags.maxFaces),
              qualityFilter: flags.qualityFilter as 'AUTO',
            });
            faces += r.faceRecords.length;
            out.push({
              file,
              externalImageId,
              indexed: r.faceRecords.map((f) => f.face.faceId),
              unindexed: r.unindexedFaces.length,
            });
          } catch (e) {
            // Per-item report in a bulk call: the reason is shown, the run goes on.
            out.push({ file, externalImageId, indexed: [], unindexed: 0, error: (e as Error).message });
          }
          if (flags.progress) bar.increment(1, { faces });
        }
        if (flags.progress) bar.stop();
        return out;
      });
      if (flags.json) {
        for (const r of results) console.log(JSON.stringify(r));
      } else {
        for (const r of results.filter((x) => x.error || !x.indexed.length))
          console.log(`${r.file}: ${r.error ?? `no face indexed (${r.unindexed} left out by the quality filter)`}`);
        const indexed = results.reduce((n, r) => n + r.indexed.length, 0);
        const failed = results.filter((r) => r.error).length;
        console.log(
          `${indexed} face(s) indexed from ${results.length} image(s) into ${flags.collection}; ${failed} failed`,
        );
      }
    });
}
