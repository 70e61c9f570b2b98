// Builds the web console into src/web/dist (run from npm's postinstall; the server also builds on demand).
import { mkdirSync, writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { buildConsole, DIST_DIR } = await import('../src/web/web.build.ts');
const assets = await buildConsole();
mkdirSync(DIST_DIR, { recursive: true });
for (const [name, text] of Object.entries(assets)) writeFileSync(DIST_DIR + name, text);
console.log(
  `console built: ${Object.entries(assets)
    .map(([n, t]) => `${n} ${(t.length / 1024).toFixed(1)} KB`)
    .join(', ')}`,
);
