// Per-image attribute signals on the LFW images (faces from the cached detector run, bench/lfw.faces.ts): faceres'
// gender output on the chip and on its mirror, face-api's male probability on its crop and on its mirror
// (attributes/faceapi.gender.ts), and the pixel / mesh features behind the derived flags
// (appearance.attributes.ts, mesh.attributes.ts). Cached in .cache/attributes/lfw.json so that thresholds are chosen
// (on the choose half) without re-running models; bench/attributes.eval.ts scores them.
// Run: node --import tsx bench/attributes.lfw.ts [--dataset ../shared/datasets/lfw]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import { roiFromMesh } from '../src/vision/detect/face.detector.ts';
import { uprightCrop } from '../src/vision/attributes/face.crops.ts';
import { appearanceFeatures } from '../src/vision/attributes/appearance.attributes.ts';
import { eyesOpen, mouthOpen } from '../src/vision/attributes/mesh.attributes.ts';
import { faceApiMale } from '../src/vision/attributes/faceapi.gender.ts';
import { faceresPairInput } from '../src/vision/attributes/model.attributes.ts';

const { values: args } = parseArgs({ options: { dataset: { type: 'string' } } });
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lfwDir = resolve(args.dataset ?? resolve(repo, '../shared/datasets/lfw'));
const facesFile = join(repo, '.cache/lfw/faces-detector.json');
if (!existsSync(join(lfwDir, 'gender.csv')) || !existsSync(facesFile)) {
  console.log(`SKIPPED: needs ${lfwDir}/gender.csv and ${facesFile} (node --import tsx bench/lfw.faces.ts)`);
  process.exit(0);
}
type Face = {
  box: { x: number; y: number; width: number; height: number };
  points5: [number, number][];
  mesh: number[];
};
const faces = JSON.parse(readFileSync(facesFile, 'utf8')) as Record<string, Face | null>;
const out = join(repo, '.cache/attributes/lfw.json');
mkdirSync(dirname(out), { recursive: true });
const cache: Record<string, Record<string, unknown>> = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
const config = loadConfig();
const runtime = createModelRuntime(config);
const faceres = await runtime.session('faceres');
const faceapi = await runtime.session('faceapi-agegender');
let n = 0;
for (const [key, f] of Object.entries(faces)) {
  if (!f || cache[key]?.fa) continue;
  const { rgb } = await decodeImage(new Uint8Array(await readFile(join(lfwDir, 'images', key))), config.images);
  const mesh = Float32Array.from(f.mesh);
  // A cache from before face-api's signal was added: only that is computed.
  if (cache[key]) cache[key].fa = await faceApiMale(faceapi, rgb, mesh);
  else {
    const geometry = { box: f.box, points5: f.points5, mesh };
    const res = await faceres.run({ [faceres.inputNames[0]!]: faceresPairInput(rgb, geometry) });
    const g = Object.values(res).find((t) => t.data.length === 2)!.data as Float32Array;
    const look = appearanceFeatures(uprightCrop(rgb, roiFromMesh(mesh), 128), mesh);
    cache[key] = {
      male: [g[0], g[1]],
      ...look,
      eyes: eyesOpen(mesh).ratio,
      mouth: mouthOpen(mesh).ratio,
      fa: await faceApiMale(faceapi, rgb, mesh),
    };
  }
  if (++n % 500 === 0) {
    writeFileSync(out, JSON.stringify(cache));
    console.log(`${n} images`);
  }
}
writeFileSync(out, JSON.stringify(cache));
console.log(`${Object.keys(cache).length} images in ${out}`);
await runtime.close();
