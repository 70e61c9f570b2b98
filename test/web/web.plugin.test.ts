import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { webConsole } from '../../src/web/web.plugin.ts';

test('serves the console page and its bundled script and styles from this server only', async () => {
  const app = Fastify();
  await app.register(webConsole());
  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /text\/html/);
  assert.match(page.headers['content-security-policy'] as string, /default-src 'self'/);
  assert.doesNotMatch(page.body, /https?:\/\//, 'no external assets');
  const js = await app.inject({ method: 'GET', url: '/console/console.js' });
  assert.equal(js.statusCode, 200);
  assert.match(js.headers['content-type'] as string, /javascript/);
  assert.ok(js.body.includes('/v1/people'), 'the bundle holds the console code');
  const css = await app.inject({ method: 'GET', url: '/console/console.css' });
  assert.match(css.headers['content-type'] as string, /text\/css/);
  await app.close();
});
