// Rewrites docs/configuration.md from the config module (see src/config/config.doc.ts).
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { configurationMarkdown } = await import('../src/config/config.doc.ts');
writeFileSync(new URL('../docs/configuration.md', import.meta.url), configurationMarkdown());
console.log('docs/configuration.md written');
