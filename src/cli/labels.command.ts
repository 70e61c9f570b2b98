// `facegate labels <image> [--json]`: DetectLabels on a local file.
import type { Command } from 'commander';
import { pct, readImageFile, withEngine } from './vision.cli.ts';

export function register(program: Command): void {
  program
    .command('labels')
    .description('Detect objects and scene labels in an image (DetectLabels)')
    .argument('<image>', 'JPEG, PNG or WebP file')
    .option('--min-confidence <n>', 'minimum confidence, 0–100', '55')
    .option('--json', 'print the labels as JSON')
    .action(async (image: string, opts: { minConfidence: string; json?: boolean }) => {
      const labels = await withEngine(async (engine) =>
        engine.labels(await readImageFile(image), { minConfidence: Number(opts.minConfidence) }),
      );
      if (opts.json) {
        console.log(JSON.stringify(labels, null, 2));
        return;
      }
      for (const l of labels) {
        const parents = l.parents.length ? `  (${l.parents.join(', ')})` : '';
        console.log(
          `${l.name.padEnd(20)} ${pct(l.confidence).padStart(5)}  ${l.instances.length} instance(s)${parents}`,
        );
      }
      if (labels.length === 0) console.log('no labels');
    });
}
