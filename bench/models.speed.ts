// ONNX Runtime speed of every prepared catalogue model: session creation and the median of N runs on a
// deterministic input at batch 1, for 1 and 2 intra-op threads.
// Run: nice -n 10 node --import tsx bench/models.speed.ts [--runs 15] [--only blazeface,faceres]
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { CATALOG } from '../src/vision/models/model.catalog.ts';
import { ModelCache, modelCacheDir } from '../src/vision/models/model.cache.ts';
import { deterministicInput } from '../src/vision/models/model.verify.ts';
import { OnnxRuntime } from '../src/vision/runtime/onnx.runtime.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '15' }, only: { type: 'string' } } });
const runs = Number(args.runs);
const cache = new ModelCache(modelCacheDir(loadConfig()));
const entries = args.only ? CATALOG.filter((e) => args.only!.split(',').includes(e.name)) : CATALOG;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`model          input                 create ms   1 thread ms   2 threads ms   (median of ${runs})`);
for (const e of entries) {
  if (!(await cache.manifest(e.name))) {
    console.log(`${e.name.padEnd(14)} not prepared (run: facegate models prepare)`);
    continue;
  }
  const cols: string[] = [];
  let create = 0;
  for (const threads of [1, 2]) {
    const rt = new OnnxRuntime({ threads, source: (n) => Promise.resolve(cache.modelPath(n)) });
    const t0 = performance.now();
    const s = await rt.session(e.name);
    if (threads === 1) create = performance.now() - t0;
    const input = e.inputs[0]!;
    const dims = input.shape.map((d) => (typeof d === 'number' ? d : 1));
    const data = deterministicInput(
      dims.reduce((a, b) => a * b, 1),
      e.verify?.inputRange ?? [0, 1],
    );
    await s.run({ [input.name]: { data, dims } }); // warm-up
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await s.run({ [input.name]: { data, dims } });
      times.push(performance.now() - t);
    }
    cols.push(median(times).toFixed(1));
    await rt.close();
  }
  const shape = `[${e.inputs[0]!.shape.join(',')}]`;
  console.log(
    `${e.name.padEnd(14)} ${shape.padEnd(21)} ${create.toFixed(0).padStart(9)} ${cols[0]!.padStart(13)} ${cols[1]!.padStart(14)}`,
  );
}
