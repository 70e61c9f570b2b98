// `facegate eval lfw --scale <group>`: fits the AWS-like similarity scale (embed/similarity.ts fitAwsScale) on the
// LFW choose folds and prints the impostor / genuine similarity distributions and FAR / TAR at the thresholds
// clients use, on the choose folds and on the confirm folds (docs/trust.md, "The split").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DESCRIPTOR_MODELS } from '../vision/embed/descriptor.models.ts';
import { FusionEmbedder } from '../vision/embed/fusion.embedder.ts';
import { DEFAULT_CALIBRATION } from '../vision/embed/default.embedder.ts';
import { fitCalibration, type CalibrationKnots } from '../vision/embed/similarity.ts';
import { fuseScores } from '../vision/eval/lfw.fusion.ts';
import type { LfwRun } from '../vision/eval/lfw.eval.ts';
import { parsePairs } from '../vision/eval/lfw.pairs.ts';
import {
  fitAndReport,
  partPairs,
  SCALE_PERCENTILES,
  SCALE_THRESHOLDS,
  type ScaleReport,
} from '../vision/eval/similarity.scale.ts';
import { lfwImageParts } from '../vision/eval/trust.split.ts';

/** Model names, with '~flip' for the flip-TTA variant ('faceapi-resnet+mobilefacenet~flip') → embedder versions. */
export function groupVersions(group: string): string[] {
  return group.split('+').map((n) => {
    const spec = DESCRIPTOR_MODELS[n.replace(/~flip$/, '')];
    return spec ? `${spec.version}${n.endsWith('~flip') ? '+flip' : ''}` : n;
  });
}

/** One descriptor per image for a model or a z-score fusion group (weights from the run's listed pairs). */
export function groupDescriptors(group: string, run: LfwRun): { name: string; descriptors: Map<string, Float32Array> } {
  const names = groupVersions(group);
  const parts = names.map((n) => run.descriptors.get(n));
  if (parts.some((p) => !p)) throw new Error(`${group}: evaluate ${names.join(', ')} in the same run`);
  if (names.length === 1) return { name: names[0]!, descriptors: parts[0]! };
  const { weights } = fuseScores(names.map((n) => run.scores.get(n)!));
  const fusion = new FusionEmbedder(
    names.map((n, i) => ({
      embedder: {
        version: n,
        size: parts[0]!.values().next().value!.length,
        embed: () => Promise.reject(new Error('cached only')),
      },
      weight: weights[i]!,
    })),
  );
  const keys = [...parts[0]!.keys()];
  return {
    name: fusion.version,
    descriptors: new Map(keys.map((k) => [k, fusion.combine(parts.map((p) => p!.get(k)!))])),
  };
}

const fmt = (v: number) => (v >= 10 ? v.toFixed(1) : v.toFixed(2));
const rate = (v: number) => (v === 0 ? '0' : v.toExponential(1));

function print(title: string, r: ScaleReport): void {
  console.log(`\n${title}: ${r.impostors} impostor pairs, ${r.genuines} genuine pairs`);
  console.log(`percentile | ${SCALE_PERCENTILES.join(' | ')}`);
  console.log(`impostor similarity | ${r.impostorPercentiles.map(fmt).join(' | ')}`);
  console.log(`genuine similarity | ${r.genuinePercentiles.map(fmt).join(' | ')}`);
  console.log(`threshold | ${SCALE_THRESHOLDS.join(' | ')}`);
  console.log(`FAR | ${r.far.map(rate).join(' | ')}`);
  console.log(`TAR % | ${r.tar.map((t) => (t * 100).toFixed(2)).join(' | ')}`);
}

export function scale(group: string, run: LfwRun, lfwDir: string, pairsFile: string): void {
  const { name, descriptors } = groupDescriptors(group, run);
  const parts = lfwImageParts(parsePairs(readFileSync(join(lfwDir, pairsFile), 'utf8')).pairs);
  // The anchors 70 / 80 / 90: the default descriptor keeps its published knots (thresholds in use rely on them);
  // another descriptor gets them fitted on the choose images (FAR 1e-3 / 1e-4 / 1e-5).
  let anchors: CalibrationKnots;
  const isDefault = name === DEFAULT_CALIBRATION.embedder;
  if (isDefault) {
    anchors = DEFAULT_CALIBRATION.knots.filter(([, s]) => s >= 70 && s <= 90);
  } else {
    const choose = partPairs(descriptors, parts, 'choose');
    anchors = fitCalibration(Array.from(choose.impostor)).filter(([, s]) => s >= 70 && s <= 90);
  }
  // The previous map of the default (FAR levels only, 50 at FAR 1e-1), for comparison on the same confirm pairs.
  const previous: CalibrationKnots = [
    [-1, 0],
    [0.1981, 50],
    [0.3473, 60],
    [0.4504, 70],
    [0.5276, 80],
    [0.592, 90],
    [1, 100],
  ];
  const report = fitAndReport(descriptors, parts, anchors, isDefault ? previous : undefined);
  const { knots, choose, confirm } = report;
  console.log(`\nAWS-scale similarity for ${name}`);
  console.log(`knots (cosine → similarity): ${JSON.stringify(knots)}`);
  print('choose folds (fitted here)', choose);
  print('confirm folds', confirm);
  if (report.previousOnConfirm) print('confirm folds, the previous map (for comparison)', report.previousOnConfirm);
}
