// The data directory holds face descriptors, photos, names and e-mails: owner-only. The process umask becomes 077
// so that every file and directory created from here on (SQLite files and their WALs, stored objects, temp files)
// is 0600 / 0700 whichever module or library creates it; the directory itself and what already sits at its top
// level (a data directory from an older version) are tightened the same way.
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function secureDataDir(dataDir: string): void {
  try {
    process.umask(0o077);
  } catch {
    // worker threads cannot set the umask; the process that started them already did
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  // Only the top level: a closed directory already keeps other users out of everything below it.
  for (const name of readdirSync(dataDir)) {
    const p = join(dataDir, name);
    try {
      chmodSync(p, statSync(p).isDirectory() ? 0o700 : 0o600);
    } catch {
      // vanished or not ours: the closed parent still protects it
    }
  }
}
