// The virtual proctor end to end on ../shared/datasets/proctor.csv: the candidate is indexed from identity.jpg
// (the tutorial's reference photo), then every photo goes through the five checks on the real engine and
// collections, and each check is compared with what the CSV implies:
//   Objects of Interest passes ⇔ phone_visible = no;  Person Detection passes ⇔ persons = 1;
//   Face Detection passes ⇔ persons = 1;  Person Recognition passes ⇔ the photo is of the AWS proctoring subject;
//   Unsafe Content passes for every photo (none is unsafe).
// Run: nice -n 10 node --import tsx bench/proctor.eval.ts   (a temporary data directory; nothing is kept)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContainer } from '../src/app/container.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logger.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const datasets = resolve(repo, '../shared/datasets');
const csv = join(datasets, 'proctor.csv');
if (!existsSync(csv)) {
  console.log(`SKIPPED: ${csv} not found (the datasets live in ../shared/datasets next to the repository)`);
  process.exit(0);
}

const SUBJECT = 'aws_rekognition_code_samples/virtual-proctoring/media/';
const rows = readFileSync(csv, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [path = '', persons = '0', phone = 'no'] = l.split(',');
    return { path, persons: Number(persons), phone: phone === 'yes' };
  });

const dataDir = mkdtempSync(join(tmpdir(), 'facegate-proctor-eval-'));
const container = createContainer(loadConfig(process.env, { dataDir }), createLogger('warn'));
try {
  const { proctor } = await container.get('apps');
  const s = proctor.settings;
  console.log(
    `MinConfidence ${s.minConfidence}, FaceMatchThreshold ${s.faceMatchThreshold}, moderation ≥ ${s.moderationThreshold}, objects: ${s.objectsOfInterest.join(' / ')}`,
  );
  await proctor.indexCandidate(
    new Uint8Array(readFileSync(join(datasets, SUBJECT, 'identity.jpg'))),
    'AWS proctoring subject',
  );
  let right = 0;
  let total = 0;
  for (const row of rows) {
    const want: Record<string, boolean> = {
      'Objects of Interest': !row.phone,
      'Person Detection': row.persons === 1,
      'Person Recognition': row.path.startsWith(SUBJECT),
      'Face Detection': row.persons === 1,
      'Unsafe Content': true,
    };
    const t0 = performance.now();
    const checks = await proctor.process(new Uint8Array(readFileSync(join(datasets, row.path))));
    const ms = performance.now() - t0;
    console.log(`\n${row.path} (${ms.toFixed(0)} ms)`);
    for (const c of checks) {
      const ok = c.Success === want[c.TestName];
      total++;
      if (ok) right++;
      console.log(
        `  ${ok ? 'ok  ' : 'MISS'} ${c.TestName.padEnd(19)} ${c.Success ? 'pass' : 'fail'} (want ${want[c.TestName] ? 'pass' : 'fail'}): ${c.Details}`,
      );
    }
  }
  console.log(`\n${right}/${total} checks as expected on ${rows.length} photos`);
} finally {
  await container.close();
  rmSync(dataDir, { recursive: true, force: true });
}
