// Profile recall on bench/profiles.list.csv (photos of ../shared/datasets labelled by inspection: heads turned to a
// full profile, turned part way, frontal). Each photo goes through the FaceEngine as IndexFaces would send it
// (descriptors on), and the reasons IndexFaces would give under QualityFilter AUTO are computed with the same
// function (collections/quality.filter.ts). A profile counts as found when the engine reports one face with
// EXTREME_POSE and a yaw on the right side; a turned or frontal face counts as right when it is found and indexable.
// Each photo is also run mirrored (a mirrored profile is a profile to the other side), reported on its own line.
// The split: choose = even FNV-1a hash of the path, confirm = odd (docs/trust.md).
// Run: node --import tsx bench/profiles.eval.ts [--datasets DIR] [--verbose]
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadConfig } from '../src/config/config.ts';
import { createFaceEngine } from '../src/vision/face.engine.ts';
import { indexReasons } from '../src/collections/quality.filter.ts';
import { pathPart } from '../src/vision/eval/trust.split.ts';

const { values: args } = parseArgs({
  options: { datasets: { type: 'string' }, verbose: { type: 'boolean', default: false } },
});
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const datasets = resolve(args.datasets ?? resolve(repo, '../shared/datasets'));
if (!existsSync(join(datasets, 'face_counts.csv'))) {
  console.log(`SKIPPED: ${datasets} not found (the datasets live in ../shared/datasets next to the repository)`);
  process.exit(0);
}

type YawClass = 'profile-left' | 'profile-right' | 'turned-left' | 'turned-right' | 'frontal';
const rows = readFileSync(join(repo, 'bench/profiles.list.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [path = '', expected = '1', yawClass = 'frontal'] = l.split(',');
    return { path, expected: Number(expected), yawClass: yawClass as YawClass };
  });

const mirror = (c: YawClass): YawClass =>
  c.endsWith('-left') ? (c.replace('-left', '-right') as YawClass) : (c.replace('-right', '-left') as YawClass);

interface Tally {
  images: number;
  right: number;
  sideRight: number;
}
const groups = new Map<string, Tally>();
const tally = (key: string): Tally => {
  let t = groups.get(key);
  if (!t) groups.set(key, (t = { images: 0, right: 0, sideRight: 0 }));
  return t;
};

const engine = await createFaceEngine(loadConfig());
await engine.ready();
const times: number[] = [];
for (const row of rows) {
  const original = await readFile(join(datasets, row.path));
  const mirrored = await sharp(original).rotate().flop().png().toBuffer();
  for (const [view, bytes, yawClass] of [
    ['original', original, row.yawClass],
    ['mirrored', mirrored, mirror(row.yawClass)],
  ] as const) {
    const t0 = performance.now();
    const { faces } = await engine.analyze(new Uint8Array(bytes), { descriptors: true });
    times.push(performance.now() - t0);
    const kind = yawClass.split('-')[0]!;
    const t = tally(`${kind} ${view} ${pathPart(row.path)}`);
    t.images++;
    const face = faces.length === row.expected ? faces[0] : undefined;
    const reasons = face ? indexReasons(face, 'AUTO') : [];
    const side = face ? (face.pose.yaw < 0 ? 'left' : 'right') : '';
    const extreme = reasons.includes('EXTREME_POSE');
    const right = face !== undefined && (kind === 'profile' ? extreme : reasons.length === 0);
    if (right) t.right++;
    if (face && (kind === 'frontal' || yawClass.endsWith(side))) t.sideRight++;
    if (args.verbose || !right) {
      const what = faces.map((f) => `${f.profile ? 'profile' : 'mesh'} yaw ${f.pose.yaw} [${indexReasons(f, 'AUTO')}]`);
      console.log(
        `  ${right ? 'ok  ' : 'MISS'} ${view} ${yawClass} ${row.path}: ${faces.length} face(s) ${what.join('; ')}`,
      );
    }
  }
}
await engine.close();

times.sort((a, b) => a - b);
console.log(
  `profiles on bench/profiles.list.csv (${rows.length} photos, each also mirrored), ${new Date().toISOString()}`,
);
for (const kind of ['profile', 'turned', 'frontal'])
  for (const view of ['original', 'mirrored'])
    for (const part of ['choose', 'confirm']) {
      const t = groups.get(`${kind} ${view} ${part}`);
      if (!t) continue;
      const what = kind === 'profile' ? 'found with EXTREME_POSE' : 'found and indexable';
      console.log(
        `${`${kind} ${view} ${part}`.padEnd(25)} ${what} ${t.right}/${t.images}  yaw on the right side ${t.sideRight}/${t.images}`,
      );
    }
console.log(`analyze ms median ${times[Math.floor(times.length / 2)]?.toFixed(0)} (shared CPU: an upper bound)`);
