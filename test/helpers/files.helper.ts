// Every file below a directory, for the tests that scan a data directory for bytes that must not be there (erasure,
// encryption, descriptor-only collections) or count what a crash left behind. A missing directory throws.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}
