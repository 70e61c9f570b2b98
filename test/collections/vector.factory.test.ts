// The vector index a Postgres deployment gets: pgvector where the extension is, else the in-memory index kept in
// step, reported as degraded (for /readyz) and warned about in the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { openPostgresVectors } from '../../src/collections/vector.factory.ts';
import { loadConfig } from '../../src/config/config.ts';
import { pgliteUnavailable, startPgliteServer } from '../helpers/pglite.server.ts';
import { freshPgSchema } from '../helpers/services.ts';

const config = loadConfig({});

function capture() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

test('without pgvector: the in-memory index kept in step, degraded with the reason, and a warning', async () => {
  const fresh = await freshPgSchema('vf');
  const { logger, lines } = capture();
  const opened = await openPostgresVectors({ pool: fresh.pool, schema: fresh.schema, config, logger });
  try {
    const status = opened.status();
    assert.equal(status.driver, 'memory-synced');
    assert.equal(status.degraded, true);
    assert.match(status.degraded ? status.reason : '', /pgvector is missing/);
    assert.ok(lines.some((l) => l.level === 40 && /NOT IN POSTGRES/.test(l.msg)));
  } finally {
    await opened.close();
    await fresh.close();
  }
});

test('FACEGATE_VECTOR_INDEX=pgvector on a database without it refuses to start', async () => {
  const fresh = await freshPgSchema('vf');
  try {
    const strict = loadConfig({ FACEGATE_VECTOR_INDEX: 'pgvector' });
    await assert.rejects(
      () => openPostgresVectors({ pool: fresh.pool, schema: fresh.schema, config: strict, logger: capture().logger }),
      /FACEGATE_VECTOR_INDEX=pgvector but CREATE EXTENSION vector failed/,
    );
  } finally {
    await fresh.close();
  }
});

test('with pgvector: the pgvector index, not degraded', async (t) => {
  const missing = await pgliteUnavailable();
  if (missing) return t.skip(missing);
  const server = await startPgliteServer();
  try {
    const fresh = await server.freshSchema('vf');
    const opened = await openPostgresVectors({
      pool: fresh.pool,
      schema: fresh.schema,
      config,
      logger: capture().logger,
    });
    assert.deepEqual({ ...opened.status(), version: 'x' }, { driver: 'pgvector', version: 'x', degraded: false });
    await opened.close();
  } finally {
    await server.stop();
  }
});
