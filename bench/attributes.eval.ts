// Attribute accuracy on LFW (signals cached by bench/attributes.lfw.ts): Gender against lfw/gender.csv, per class,
// for faceres' and face-api's male probabilities alone and fused, each rule's threshold (and fusion weight) chosen on
// the choose persons (LFW folds 1–3) for balanced accuracy and scored once on folds 4–5; sunglasses / eyeglasses
// against bench/sunglasses.list.csv.
// Run: node --import tsx bench/attributes.eval.ts [--dataset ../shared/datasets/lfw]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parsePairs } from '../src/vision/eval/lfw.pairs.ts';
import { lfwPersonParts, pathPart, type SplitPart } from '../src/vision/eval/trust.split.ts';
import { sunglassesFlag, type AppearanceFeatures } from '../src/vision/attributes/appearance.attributes.ts';
import { GENDER_RULE, genderMargin, logit } from '../src/vision/attributes/gender.rule.ts';

const { values: args } = parseArgs({ options: { dataset: { type: 'string' } } });
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lfwDir = resolve(args.dataset ?? resolve(repo, '../shared/datasets/lfw'));
const cacheFile = join(repo, '.cache/attributes/lfw.json');
if (!existsSync(join(lfwDir, 'gender.csv')) || !existsSync(cacheFile)) {
  console.log(`SKIPPED: needs ${lfwDir}/gender.csv and ${cacheFile} (node --import tsx bench/attributes.lfw.ts)`);
  process.exit(0);
}
interface Signals {
  male: [number, number];
  /** face-api's male probability, crop and mirror (attributes/faceapi.gender.ts). */
  fa?: [number, number];
  eyeDarkness: number;
  frameEdges: number;
}
const signals = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, Signals>;
const persons = lfwPersonParts(parsePairs(readFileSync(join(lfwDir, 'pairs-dev.txt'), 'utf8')).pairs);
const rows = readFileSync(join(lfwDir, 'gender.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [path = '', gender = ''] = l.split(',');
    const key = path.replace(/^images\//, '');
    return { key, male: gender.trim() === 'Male', part: persons.get(key.split('/')[0]!) as SplitPart | undefined };
  })
  .filter((r) => r.part && signals[r.key]);
const withFaceApi = rows.every((r) => signals[r.key]!.fa);
const keyOf = new Map(rows.map((r) => [signals[r.key]!, r.key]));

type Score = (s: Signals) => number;
const scores: Record<string, Score> = {
  'faceres gender head': (s) => s.male[0],
  'faceres gender head, mean with mirrored chip': (s) => (s.male[0] + s.male[1]) / 2,
};
if (withFaceApi) {
  scores['face-api gender'] = (s) => s.fa![0];
  scores['face-api gender, mean with mirrored crop'] = (s) => (s.fa![0] + s.fa![1]) / 2;
}
function rates(part: SplitPart, score: Score, t: number) {
  const mine = rows.filter((r) => r.part === part);
  const m = mine.filter((r) => r.male);
  const f = mine.filter((r) => !r.male);
  const male = m.filter((r) => score(signals[r.key]!) > t).length / m.length;
  const female = f.filter((r) => score(signals[r.key]!) <= t).length / f.length;
  return { male, female, balanced: (male + female) / 2, nMale: m.length, nFemale: f.length };
}
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
console.log(`Gender: ${rows.length} faces of gender.csv found by the detector`);
for (const [name, score] of Object.entries(scores)) {
  // The threshold with the best balanced accuracy on the choose persons.
  let best = { t: 0.5, b: 0 };
  for (let t = 0.05; t <= 0.95; t += 0.005) {
    const b = rates('choose', score, t).balanced;
    if (b > best.b) best = { t, b };
  }
  for (const [label, t] of [
    ['threshold 0.5', 0.5],
    [`threshold ${best.t.toFixed(3)} (chosen)`, best.t],
  ] as const) {
    for (const part of ['choose', 'confirm'] as const) {
      const r = rates(part, score, t);
      console.log(
        `${name} | ${label} | ${part} | male ${pct(r.male)} of ${r.nMale} | female ${pct(r.female)} of ${r.nFemale} | balanced ${pct(r.balanced)}`,
      );
    }
  }
}

// Fusions of the two gender models: Male when w·logit(faceres) + (1 − w)·logit(face-api) > t, with w (grid of 0.05)
// and t (grid of 0.05 on the logit scale) chosen together for balanced accuracy on the choose persons.
const fusions: Record<string, [Score, Score]> = withFaceApi
  ? {
      'fusion faceres + face-api': [(s) => s.male[0], (s) => s.fa![0]],
      'fusion faceres + face-api mean with mirror': [(s) => s.male[0], (s) => (s.fa![0] + s.fa![1]) / 2],
      'fusion faceres + face-api, each mean with mirror': [
        (s) => (s.male[0] + s.male[1]) / 2,
        (s) => (s.fa![0] + s.fa![1]) / 2,
      ],
    }
  : {};
const fusionBest: Record<string, { w: number; t: number; b: number }> = {};
for (const [name, [a, b]] of Object.entries(fusions)) {
  const la = new Map(rows.map((r) => [r.key, logit(a(signals[r.key]!))]));
  const lb = new Map(rows.map((r) => [r.key, logit(b(signals[r.key]!))]));
  let best = { w: 1, t: 0, b: 0 };
  for (let i = 0; i <= 20; i++) {
    const w = i / 20;
    const z: Score = (s) => w * la.get(keyOf.get(s)!)! + (1 - w) * lb.get(keyOf.get(s)!)!;
    for (let j = -80; j <= 80; j++) {
      const bal = rates('choose', z, j / 20).balanced;
      if (bal > best.b + 1e-12) best = { w, t: j / 20, b: bal };
    }
  }
  fusionBest[name] = best;
  const z: Score = (s) => best.w * la.get(keyOf.get(s)!)! + (1 - best.w) * lb.get(keyOf.get(s)!)!;
  for (const part of ['choose', 'confirm'] as const) {
    const r = rates(part, z, best.t);
    console.log(
      `${name} | w ${best.w.toFixed(2)}, t ${best.t.toFixed(2)} (chosen) | ${part} | male ${pct(r.male)} of ${r.nMale} | female ${pct(r.female)} of ${r.nFemale} | balanced ${pct(r.balanced)}`,
    );
  }
}

// Reliability of the shipped rule (attributes/gender.rule.ts): accuracy by distance from its decision line, the
// table the Gender confidence is read from.
const bins = [0, 0.5, 1, 1.5, 2, 3, 5, Infinity];
for (const part of withFaceApi ? (['choose', 'confirm'] as const) : []) {
  const line: string[] = [];
  for (let i = 0; i + 1 < bins.length; i++) {
    const inBin = rows.filter((r) => {
      if (r.part !== part) return false;
      const m = Math.abs(genderMargin(signals[r.key]!.male, signals[r.key]!.fa!));
      return m >= bins[i]! && m < bins[i + 1]!;
    });
    const right = inBin.filter((r) => genderMargin(signals[r.key]!.male, signals[r.key]!.fa!) > 0 === r.male).length;
    line.push(`[${bins[i]}, ${bins[i + 1]}): ${inBin.length ? pct(right / inBin.length) : '—'} of ${inBin.length}`);
  }
  console.log(`gender reliability (w ${GENDER_RULE.weight}, t ${GENDER_RULE.threshold}), ${part}: ${line.join(' | ')}`);
}

// Sunglasses on bench/sunglasses.list.csv (the 96 LFW faces with the darkest eye region, labelled by inspection;
// "tinted" lenses are reported apart), split by path hash; the rule is appearance.attributes.ts sunglassesFlag.
const sunRows = readFileSync(join(repo, 'bench/sunglasses.list.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [path = '', label = ''] = l.split(',');
    return { path, label, key: path.replace(/^lfw\/images\//, ''), part: pathPart(path) };
  })
  .filter((r) => signals[r.key]);
for (const part of ['choose', 'confirm'] as const) {
  const t = { tp: 0, fp: 0, fn: 0, tn: 0, tinted: 0, tintedTrue: 0 };
  for (const r of sunRows.filter((x) => x.part === part)) {
    const got = sunglassesFlag(signals[r.key] as unknown as AppearanceFeatures).value;
    if (r.label === 'tinted') {
      t.tinted++;
      if (got) t.tintedTrue++;
    } else if (r.label === 'yes') t[got ? 'tp' : 'fn']++;
    else t[got ? 'fp' : 'tn']++;
  }
  const n = t.tp + t.fp + t.fn + t.tn;
  console.log(
    `sunglasses, ${part}: ${n} faces (${t.tp + t.fn} dark lenses) | accuracy ${pct((t.tp + t.tn) / n)} | precision ${pct(t.tp / Math.max(1, t.tp + t.fp))} | recall ${pct(t.tp / Math.max(1, t.tp + t.fn))} (tp ${t.tp} fp ${t.fp} fn ${t.fn} tn ${t.tn}) | tinted called sunglasses ${t.tintedTrue}/${t.tinted}`,
  );
}
