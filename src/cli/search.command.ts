// `facegate search <image> --collection <id>`: SearchFacesByImage on the embedded store (largest face).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { withCollections } from './collections.cli.ts';
import { pct } from './vision.cli.ts';

interface SearchFlags {
  collection: string;
  dataDir?: string;
  threshold: string;
  maxFaces: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('search')
    .description('Search a collection for the largest face in an image (SearchFacesByImage)')
    .argument('<image>', 'image file')
    .requiredOption('-c, --collection <id>', 'collection id')
    .option('--data-dir <dir>', 'data directory (default ./data, FACEGATE_DATA_DIR)')
    .option('--threshold <n>', 'similarity threshold, 0–100', '80')
    .option('--max-faces <n>', 'matches to return, 1–4096', '10')
    .option('--json', 'print the result as JSON')
    .action(async (image: string, flags: SearchFlags) => {
      const bytes = await readFile(image);
      const r = await withCollections(flags.dataDir, ({ service }) =>
        service.searchFacesByImage({
          collectionId: flags.collection,
          image: { bytes },
          faceMatchThreshold: Number(flags.threshold),
          maxFaces: Number(flags.maxFaces),
        }),
      );
      if (flags.json) {
        console.log(JSON.stringify(r, null, 2));
        return;
      }
      if (!r.faceMatches.length) console.log(`no match at or above ${flags.threshold}`);
      for (const m of r.faceMatches)
        console.log(`${pct(m.similarity)}  ${m.face.externalImageId ?? '-'}  face ${m.face.faceId}`);
    });
}
