// Where an analysis spends its time, in one thread: how long the JS thread is busy (event-loop utilisation: JS
// pre/post-processing — crops, tensors, anchors, mesh, alignment — plus ONNX Runtime's runs, which are synchronous on
// the calling thread and block the event loop), decode alone (sharp/libvips, off the JS thread), and the model runs.
// Tells how much of a request a worker thread takes off the main thread.
// Photo: identity.jpg (../shared/datasets) cropped to 640×480 JPEG q90. FACEGATE_THREADS sets ORT's threads.
// Run: node --import tsx bench/engine.split.bench.ts [--runs 30] [--datasets DIR]
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logger.ts';
import { createFaceEngine } from '../src/vision/face.engine.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import type { InferenceRuntime } from '../src/vision/runtime/inference.port.ts';
import type { AnalyzeOptions } from '../src/vision/vision.types.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, datasets: { type: 'string' } },
});
const datasets = resolve(args.datasets ?? fileURLToPath(new URL('../../shared/datasets', import.meta.url)));
const PHOTO = join(datasets, 'aws_rekognition_code_samples/virtual-proctoring/media/identity.jpg');
if (!existsSync(PHOTO)) {
  console.log(`SKIPPED: ${PHOTO} not found (pass --datasets)`);
  process.exit(0);
}
const runs = Number(args.runs);
const photo = await sharp(readFileSync(PHOTO))
  .resize(640, 480, { fit: 'cover', position: 'top' })
  .jpeg({ quality: 90 })
  .toBuffer();

let ortMs = 0;
function timed(inner: InferenceRuntime): InferenceRuntime {
  return {
    async session(name) {
      const s = await inner.session(name);
      return {
        ...s,
        inputNames: s.inputNames,
        outputNames: s.outputNames,
        run: async (feeds) => {
          const t = performance.now();
          const out = await s.run(feeds);
          ortMs += performance.now() - t;
          return out;
        },
      };
    },
    close: () => inner.close(),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const config = loadConfig();
const engine = await createFaceEngine(config, createLogger('warn'), { runtime: timed(createModelRuntime(config)) });
await engine.ready();

async function split(label: string, options: AnalyzeOptions): Promise<void> {
  const total: number[] = [];
  const ort: number[] = [];
  const decode: number[] = [];
  const busy: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const d = performance.now();
    await decodeImage(photo, config.images, { source: 'inline', maxSide: config.vision.maxSide });
    const decoded = performance.now() - d;
    ortMs = 0;
    const elu = performance.eventLoopUtilization();
    const t = performance.now();
    await engine.analyze(photo, options);
    if (i < 3) continue; // warm-up
    total.push(performance.now() - t);
    busy.push(performance.eventLoopUtilization(elu).active);
    ort.push(ortMs);
    decode.push(decoded);
  }
  const [T, O, D, B] = [median(total), median(ort), median(decode), median(busy)];
  // Concurrent model runs (the attribute heads) queue behind each other on the thread: their sum is not wall time.
  const ortCell = O <= T ? `${O.toFixed(1)} (${((O / T) * 100).toFixed(0)}%)` : 'overlapping';
  console.log(
    `| ${label} | ${T.toFixed(1)} | ${B.toFixed(1)} (${((B / T) * 100).toFixed(0)}%) | ${D.toFixed(1)} | ${ortCell} |`,
  );
}

console.log(`ORT threads ${config.models.threads}, ${runs} runs, medians in ms (decode timed separately, same image)`);
console.log('| analysis | total | main thread busy | decode (alone) | ORT runs |');
console.log('|---|---|---|---|---|');
await split('detect (DetectFaces DEFAULT)', {});
await split('detect + descriptor (search, index)', { descriptors: true });
await split('+ all attributes (DetectFaces ALL)', { descriptors: true, attributes: true });
await engine.close();
