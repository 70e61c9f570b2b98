// `facegate eval lfw`: face verification accuracy on LFW with the standard protocol (see docs/benchmarks.md).
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import { decodeImage } from '../vision/image/decode.ts';
import { createModelRuntime } from '../vision/models/model.runtime.ts';
import { DESCRIPTOR_MODELS } from '../vision/embed/descriptor.models.ts';
import { OnnxEmbedder } from '../vision/embed/onnx.embedder.ts';
import type { Embedder } from '../vision/embed/embedder.port.ts';
import { runLfw, summarise, type LfwSummary } from '../vision/eval/lfw.eval.ts';
import { cachedFacesLocator } from '../vision/eval/lfw.locators.ts';
import { fuseScores } from '../vision/eval/lfw.fusion.ts';

interface LfwOptions {
  embedders: string;
  flip?: boolean;
  fusion?: string;
  faces?: string;
  dataset: string;
  pairs: string;
  limit?: string;
  json?: string;
}

const pct = (v: number) => v.toFixed(2);

function table(rows: LfwSummary[]): void {
  console.log(
    ['descriptor', 'accuracy % (± std)', 'AUC', 'TAR@FAR1e-3', 'TAR@FAR1e-2', 'cos thr', 'no face', 'ms/img'].join(
      ' | ',
    ),
  );
  for (const r of rows) {
    console.log(
      [
        r.name,
        `${pct(r.accuracy)} ± ${pct(r.std)}`,
        r.auc.toFixed(4),
        pct(r.tarAtFar1e3),
        pct(r.tarAtFar1e2),
        r.threshold.toFixed(3),
        String(r.detectionFailures),
        r.msPerImage.toFixed(1),
      ].join(' | '),
    );
  }
}

async function lfw(o: LfwOptions): Promise<void> {
  const lfwDir = resolve(o.dataset);
  if (!existsSync(resolve(lfwDir, o.pairs))) {
    console.log(`skipped: ${resolve(lfwDir, o.pairs)} is absent (LFW lives in ../shared/datasets/lfw)`);
    return;
  }
  const config = loadConfig();
  const runtime = createModelRuntime(config);
  const embedders: Embedder[] = [];
  for (const name of o.embedders.split(',').filter(Boolean)) {
    const spec = DESCRIPTOR_MODELS[name];
    if (!spec) throw new Error(`unknown descriptor model ${name}; known: ${Object.keys(DESCRIPTOR_MODELS).join(', ')}`);
    embedders.push(new OnnxEmbedder(runtime, spec));
    if (o.flip) embedders.push(new OnnxEmbedder(runtime, spec, true));
  }
  if (!o.faces) throw new Error('--faces <file> is required until the product detector is wired into the LFW run');
  const locator = cachedFacesLocator(resolve(o.faces));
  const bar = new cliProgress.SingleBar(
    { format: 'LFW [{bar}] {value}/{total} images | {eta}s' },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const run = await runLfw({
    lfwDir,
    pairsFile: o.pairs,
    embedders,
    locator,
    decode: async (bytes) => (await decodeImage(bytes, config.images)).rgb,
    cacheDir: resolve('.cache/lfw'),
    ...(o.limit ? { limitPairs: Number(o.limit) } : {}),
    onProgress: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
  });
  bar.stop();
  await runtime.close();
  const rows = [...run.summaries];
  for (const group of (o.fusion ?? '').split(';').filter(Boolean)) {
    // Model names, with '~flip' for the flip-TTA variant: 'faceapi-resnet+mobilefacenet~flip'.
    const names = group.split('+').map((n) => {
      const spec = DESCRIPTOR_MODELS[n.replace(/~flip$/, '')];
      return spec ? `${spec.version}${n.endsWith('~flip') ? '+flip' : ''}` : n;
    });
    const fused = fuseScores(names.map((n) => run.scores.get(n) ?? []));
    const base = names.map((n) => rows.find((r) => r.name === n));
    rows.push({
      ...summarise(
        `fusion(${names.join(' + ')}) w=[${fused.weights.map((w) => w.toFixed(2)).join(',')}]`,
        fused.scored,
        0,
        [0],
      ),
      detectionFailures: Math.max(...base.map((b) => b?.detectionFailures ?? 0)),
      msPerImage: base.reduce((s, b) => s + (b?.msPerImage ?? 0), 0),
    });
  }
  console.log(
    `LFW ${o.pairs}: ${rows[0]?.pairs ?? 0} pairs, ${rows[0]?.folds ?? 0} folds, faces from ${locator.version}`,
  );
  table(rows);
  if (o.json) writeFileSync(o.json, JSON.stringify(rows, null, 2));
}

export function register(program: Command): void {
  const evalCmd = program.command('eval').description('Accuracy evaluations on public data sets');
  evalCmd
    .command('lfw')
    .description('LFW face verification: k-fold accuracy, ROC AUC, TAR at FAR 1e-3/1e-2 per descriptor model')
    .option('--embedders <names>', 'comma-separated descriptor models', 'faceapi-resnet,mobilefacenet,faceres')
    .option('--flip', 'also evaluate each model with horizontal-flip test-time augmentation')
    .option(
      '--fusion <groups>',
      "z-scored score fusions, e.g. 'faceapi-resnet+mobilefacenet;faceres~flip+mobilefacenet'",
    )
    .option('--faces <file>', 'cached faces JSON instead of running the detector')
    .option('--dataset <dir>', 'LFW folder (pairs file + images/)', '../shared/datasets/lfw')
    .option('--pairs <file>', 'pairs file inside the dataset folder', 'pairs-dev.txt')
    .option('--limit <pairs>', 'use about this many pairs (quick check)')
    .option('--json <file>', 'also write the results as JSON')
    .action((o: LfwOptions) => lfw(o));
}
