// Watched directories are the operator's choice: set in the config file, or (through the API) only inside the
// allow-listed root, checked on the real path so that `..` and symlinks cannot leave it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.ts';
import { PipelineService } from '../../src/apps/pipeline/pipeline.service.ts';
import { FacegateError } from '../../src/errors.ts';
import { pipelineHarness } from './harness.ts';

const denied = (p: Promise<unknown>) =>
  assert.rejects(
    p,
    (e: unknown) => e instanceof FacegateError && e.code === 'ACCESS_DENIED' && /watchDir/.test(e.message),
  );

describe('watchDir policy', () => {
  test('through the API: refused without a watch root; the config file may set any directory', async () => {
    const h = await pipelineHarness({ startQueue: false });
    try {
      await denied(h.service.define({ name: 'everything', watchDir: '/' }));
      const def = await h.service.define({ name: 'ops', watchDir: h.dir }, { fromConfig: true });
      assert.equal(def.watchDir, h.dir);
      // Redefining a configured pipeline through the API may keep its directory, not change it.
      await h.service.define({ name: 'ops', watchDir: h.dir, thumbnail: { size: 128 } });
      await denied(h.service.define({ name: 'ops', watchDir: '/etc' }));
    } finally {
      await h.close();
    }
  });

  test('with a watch root: inside is allowed; .., absolute escapes and symlinks out are refused', async () => {
    const h = await pipelineHarness({ startQueue: false });
    try {
      const root = join(h.dir, 'drop');
      mkdirSync(join(root, 'cam1'), { recursive: true });
      symlinkSync('/', join(root, 'escape'));
      const service = new PipelineService({
        store: h.store,
        engine: h.engine,
        objects: h.objects,
        logger: createLogger('silent'),
        watchRoot: root,
      });
      assert.equal((await service.define({ name: 'cam', watchDir: join(root, 'cam1') })).watchDir, join(root, 'cam1'));
      await denied(service.define({ name: 'up', watchDir: join(root, '..') }));
      await denied(service.define({ name: 'abs', watchDir: '/' }));
      await denied(service.define({ name: 'link', watchDir: join(root, 'escape') }));
    } finally {
      await h.close();
    }
  });
});
