// `facegate compare <a> <b> [--json]`: CompareFaces on two local files (the largest face of <a> against every face
// of <b>), with the engine's calibrated similarity (0–100).
import type { Command } from 'commander';
import { pct, readImageFile, withEngine } from './vision.cli.ts';

export function register(program: Command): void {
  program
    .command('compare')
    .description('Compare the largest face in <source> with every face in <target> (CompareFaces)')
    .argument('<source>', 'image with the face to look for')
    .argument('<target>', 'image to search')
    .option('--threshold <n>', 'similarity threshold, 0–100', '80')
    .option('--json', 'print the result as JSON')
    .action(async (sourcePath: string, targetPath: string, opts: { threshold: string; json?: boolean }) => {
      const threshold = Number(opts.threshold);
      if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) throw new Error('--threshold must be 0–100');
      const result = await withEngine(async (engine) => {
        const src = await engine.analyze(await readImageFile(sourcePath), { descriptors: true, maxFaces: 1 });
        const probe = src.faces[0];
        if (!probe?.descriptor) throw new Error(`no face in ${sourcePath}`);
        const tgt = await engine.analyze(await readImageFile(targetPath), { descriptors: true, maxFaces: 100 });
        const faces = tgt.faces.map((f) => ({
          box: f.box,
          confidence: f.confidence,
          // A face without a descriptor (seen only in profile) cannot match.
          similarity: f.descriptor ? engine.similarity(probe.descriptor!, f.descriptor) : 0,
        }));
        return {
          faceModelVersion: engine.faceModelVersion,
          sourceFace: { box: probe.box, confidence: probe.confidence },
          matches: faces.filter((f) => f.similarity >= threshold).sort((a, b) => b.similarity - a.similarity),
          unmatched: faces.filter((f) => f.similarity < threshold),
        };
      });
      if (opts.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      console.log(`model ${result.faceModelVersion}; threshold ${threshold}`);
      for (const m of result.matches)
        console.log(
          `MATCH     similarity ${pct(m.similarity)}  box left ${m.box.left.toFixed(3)} top ${m.box.top.toFixed(3)}`,
        );
      for (const m of result.unmatched)
        console.log(
          `no match  similarity ${pct(m.similarity)}  box left ${m.box.left.toFixed(3)} top ${m.box.top.toFixed(3)}`,
        );
      if (result.matches.length + result.unmatched.length === 0) console.log(`no face in ${targetPath}`);
    });
}
