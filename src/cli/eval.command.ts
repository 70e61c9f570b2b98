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
import { runLfw, summarise, type LfwRun, type LfwSummary } from '../vision/eval/lfw.eval.ts';
import { cachedFacesLocator, detectorLocator } from '../vision/eval/lfw.locators.ts';
import { createFaceDetector } from '../vision/detect/detector.factory.ts';
import { fuseScores } from '../vision/eval/lfw.fusion.ts';
import { allPairScores, calibrationReport } from '../vision/eval/lfw.calibration.ts';
import { FusionEmbedder } from '../vision/embed/fusion.embedder.ts';
import { groupVersions, scale } from './eval.scale.ts';
import { cascade } from '../vision/eval/lfw.cascade.ts';
import { lfwFoldPart } from '../vision/eval/trust.split.ts';

interface LfwOptions {
  embedders: string;
  flip?: boolean;
  fusion?: string;
  faces?: string;
  dataset: string;
  pairs: string;
  limit?: string;
  json?: string;
  calibrate?: string;
  scale?: string;
  cascade?: string;
  cache: string;
}

const pct = (v: number) => v.toFixed(2);

function table(rows: LfwSummary[]): void {
  console.log(
    [
      'descriptor',
      'accuracy % (± std)',
      'choose 1–3 %',
      'confirm 4–5 % (± std)',
      'AUC',
      'TAR@FAR1e-3',
      'TAR@FAR1e-2',
      'cos thr',
      'no face',
      'ms/img',
    ].join(' | '),
  );
  for (const r of rows) {
    console.log(
      [
        r.name,
        `${pct(r.accuracy)} ± ${pct(r.std)}`,
        pct(r.chooseAccuracy),
        `${pct(r.confirmAccuracy)} ± ${pct(r.confirmStd)}`,
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

/** Prints the similarity calibration (knots and FAR/TAR at thresholds) for one model or fusion group. */
function calibrate(group: string, run: LfwRun): void {
  const names = groupVersions(group);
  const parts = names.map((n) => run.descriptors.get(n));
  if (parts.some((p) => !p)) throw new Error(`--calibrate ${group}: evaluate ${names.join(', ')} in the same run`);
  const { weights } = fuseScores(names.map((n) => run.scores.get(n)!));
  const fusion = new FusionEmbedder(
    names.map((n, i) => ({
      embedder: {
        version: n,
        size: parts[i]!.values().next().value!.length,
        embed: () => Promise.reject(new Error('cached only')),
      },
      weight: weights[i]!,
    })),
  );
  const keys = [...parts[0]!.keys()];
  const desc = new Map(
    keys.map((k) => [k, names.length === 1 ? parts[0]!.get(k)! : fusion.combine(parts.map((p) => p!.get(k)!))]),
  );
  const all = allPairScores(desc);
  const { knots, rows } = calibrationReport(all);
  console.log(
    `\nCalibration of ${names.length === 1 ? names[0] : fusion.version}: ${all.impostor.length} impostor, ${all.genuine.length} genuine pairs (all pairs of the run's images)`,
  );
  console.log(`knots (cosine → similarity): ${JSON.stringify(knots)}`);
  console.log('similarity | cosine | FAR | TAR');
  for (const r of rows)
    console.log(`${r.similarity} | ${r.cosine.toFixed(4)} | ${r.far.toExponential(2)} | ${(r.tar * 100).toFixed(2)}%`);
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
  // The product's detector unless a cached-faces file is given (to separate detector and descriptor effects).
  const locator = o.faces
    ? cachedFacesLocator(resolve(o.faces))
    : detectorLocator(await createFaceDetector(runtime), 'detector-blazeface-facemesh-v1');
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
    cacheDir: resolve(o.cache),
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
    const names = groupVersions(group);
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
  if (o.calibrate) calibrate(o.calibrate, run);
  if (o.scale) scale(o.scale, run, lfwDir, o.pairs);
  for (const spec of (o.cascade ?? '').split(';').filter(Boolean)) {
    const [cheapGroup = '', expensiveGroup = ''] = spec.split('|');
    const score = (g: string) => {
      const names = groupVersions(g);
      return names.length === 1 ? run.scores.get(names[0]!)! : fuseScores(names.map((n) => run.scores.get(n)!)).scored;
    };
    const r = cascade(score(cheapGroup), score(expensiveGroup), (f) => lfwFoldPart(f) === 'choose');
    console.log(
      `cascade ${cheapGroup} → ${expensiveGroup}: band ±${r.band} | choose ${pct(r.choose.accuracy * 100)}% (${pct(r.choose.escalated * 100)}% escalated) | confirm ${pct(r.confirm.accuracy * 100)}% (${pct(r.confirm.escalated * 100)}% escalated)`,
    );
  }
}

export function register(program: Command): void {
  const evalCmd = program.command('eval').description('Accuracy evaluations on public data sets');
  evalCmd
    .command('lfw')
    .description('LFW face verification: k-fold accuracy, ROC AUC, TAR at FAR 1e-3/1e-2 per descriptor model')
    .option('--embedders <names>', 'comma-separated descriptor models', 'mobilefacenet,faceapi-resnet-dlib5,faceres')
    .option('--flip', 'also evaluate each model with horizontal-flip test-time augmentation')
    .option(
      '--fusion <groups>',
      "z-scored score fusions, e.g. 'faceapi-resnet+mobilefacenet;faceres~flip+mobilefacenet'",
    )
    .option('--faces <file>', "cached faces JSON instead of the product's detector")
    .option('--dataset <dir>', 'LFW folder (pairs file + images/)', '../shared/datasets/lfw')
    .option('--pairs <file>', 'pairs file inside the dataset folder', 'pairs-dev.txt')
    .option('--limit <pairs>', 'use about this many pairs (quick check)')
    .option('--json <file>', 'also write the results as JSON')
    .option('--cache <dir>', 'descriptor cache folder', '.cache/lfw')
    .option(
      '--calibrate <group>',
      'fit the cosine → similarity map for a model or fusion group (same syntax as --fusion)',
    )
    .option(
      '--scale <group>',
      'fit the AWS-like similarity scale for a model or fusion group on folds 1–3 and report folds 1–3 and 4–5',
    )
    .option(
      '--cascade <specs>',
      "cheap|expensive groups, e.g. 'mobilefacenet~flip|mobilefacenet~flip+faceapi-resnet-dlib5~flip' (';' between)",
    )
    .action((o: LfwOptions) => lfw(o));
}
