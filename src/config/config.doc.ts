// The configuration reference (docs/configuration.md), generated from the one ENV_VARS table and the schema's
// defaults, so the documented list cannot drift from what the server reads. `node scripts/config-doc.mjs` rewrites
// the file; test/unit/config.doc.test.ts fails when it is stale.
import { ENV_VARS, loadConfig } from './config.ts';

const SECRET = /SECRET|PASSWORD|TOKEN|MASTER_KEY$/;

function valueAt(tree: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((t, k) => (t && typeof t === 'object' ? (t as Record<string, unknown>)[k] : undefined), tree);
}

function show(v: unknown): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v === '' ? '""' : `\`${v}\``;
  return `\`${JSON.stringify(v)}\``;
}

export function configurationMarkdown(): string {
  const defaults = loadConfig({});
  const rows = Object.entries(ENV_VARS)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, path]) => `| \`${name}\` | \`${path}\` | ${SECRET.test(name) ? '—' : show(valueAt(defaults, path))} |`,
    );
  return [
    '# Configuration reference',
    '',
    'Generated from `src/config/config.ts` (`node scripts/config-doc.mjs`); the meaning of each setting is in the',
    "comment above its key in `src/config/config.schema.ts`, and the README's configuration section explains the",
    'common ones. Every variable can also be set in the JSON file named by `FACEGATE_CONFIG_FILE`, at its config key.',
    'Invalid values stop start-up with every problem named.',
    '',
    '| variable | config key | default |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
