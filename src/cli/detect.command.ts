// `facegate detect <image> [--attributes all] [--json]`: DetectFaces on a local file.
import type { Command } from 'commander';
import type { DetectedFace } from '../vision/vision.types.ts';
import { pct, readImageFile, withEngine } from './vision.cli.ts';

function printFace(f: DetectedFace, i: number): void {
  const b = f.box;
  console.log(
    `face ${i + 1}: confidence ${pct(f.confidence)}  box left ${b.left.toFixed(3)} top ${b.top.toFixed(3)} ` +
      `width ${b.width.toFixed(3)} height ${b.height.toFixed(3)} (${f.widthPx}×${f.heightPx} px)`,
  );
  console.log(
    `  pose roll ${pct(f.pose.roll)} yaw ${pct(f.pose.yaw)} pitch ${pct(f.pose.pitch)}  ` +
      `quality brightness ${pct(f.quality.brightness)} sharpness ${pct(f.quality.sharpness)}  landmarks ${f.landmarks.length}`,
  );
  const a = f.attributes;
  if (a) {
    const flag = (name: string, v: { value: boolean; confidence: number }) =>
      `${name} ${v.value ? 'yes' : 'no'} (${pct(v.confidence)})`;
    console.log(
      `  age ${a.ageRange.low}–${a.ageRange.high}  ${a.gender.value} (${pct(a.gender.confidence)})  ` +
        `emotions ${a.emotions
          .slice(0, 3)
          .map((e) => `${e.type} ${pct(e.confidence)}`)
          .join(', ')}`,
    );
    console.log(
      `  ${[
        flag('smile', a.smile),
        flag('eyes open', a.eyesOpen),
        flag('mouth open', a.mouthOpen),
        flag('eyeglasses', a.eyeglasses),
        flag('sunglasses', a.sunglasses),
        flag('beard', a.beard),
        flag('mustache', a.mustache),
        flag('occluded', a.faceOccluded),
      ].join('  ')}`,
    );
    console.log(`  eye direction yaw ${pct(a.eyeDirection.yaw)} pitch ${pct(a.eyeDirection.pitch)}`);
  }
  if (f.liveness !== undefined) console.log(`  liveness ${pct(f.liveness)}`);
}

export function register(program: Command): void {
  program
    .command('detect')
    .description(
      'Detect faces in an image (DetectFaces): boxes, landmarks, pose, quality; --attributes all for the rest',
    )
    .argument('<image>', 'JPEG, PNG or WebP file')
    .option('--attributes <set>', 'DEFAULT or ALL', 'DEFAULT')
    .option('--liveness', 'also compute the presentation-attack (liveness) score')
    .option('--json', 'print the analysis as JSON')
    .action(async (image: string, opts: { attributes: string; liveness?: boolean; json?: boolean }) => {
      const all = opts.attributes.toUpperCase() === 'ALL';
      const analysis = await withEngine(async (engine) =>
        engine.analyze(await readImageFile(image), { attributes: all, liveness: opts.liveness ?? false }),
      );
      if (opts.json) {
        console.log(JSON.stringify(analysis, null, 2));
        return;
      }
      const { width, height, format } = analysis.image;
      console.log(`${image}: ${width}×${height} ${format}, ${analysis.faces.length} face(s)`);
      analysis.faces.forEach(printFace);
    });
}
