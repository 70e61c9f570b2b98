// Serves the console at / and its two assets under /console/. No CDN: everything comes from this server, and the
// Content-Security-Policy says so. The API key lives in the tab's sessionStorage and travels in x-api-key.
import type { FastifyPluginAsync } from 'fastify';
import { buildConsole, readBuiltConsole, type ConsoleAssets } from './web.build.ts';
import { looksSigned } from '../auth/sigv4.verifier.ts';
import { FacegateError } from '../errors.ts';
import { sendAwsError } from '../server/error.handler.ts';

const TYPES: Record<keyof ConsoleAssets, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'door.html': 'text/html; charset=utf-8',
  'door.js': 'text/javascript; charset=utf-8',
  'liveness.html': 'text/html; charset=utf-8',
  'liveness.js': 'text/javascript; charset=utf-8',
};

const CSP = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function webConsole(): FastifyPluginAsync {
  // Built once per process: from dist when present, else in memory (esbuild takes ~100 ms).
  let assets: Promise<ConsoleAssets> | undefined;
  const load = () => (assets ??= readBuiltConsole().then((a) => a ?? buildConsole()));
  return async (app) => {
    const send = (name: keyof ConsoleAssets) => async (_req: unknown, reply: import('fastify').FastifyReply) =>
      reply
        .type(TYPES[name])
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', name.endsWith('.html') ? 'no-cache' : 'public, max-age=300')
        .send((await load())[name]);
    const index = send('index.html');
    app.get('/', async (request, reply) => {
      // A signed or presigned AWS request to `/` (never the console's own: it sends no SigV4 material) gets the
      // AWS auth error it expects, not the console's HTML.
      if (looksSigned(request)) {
        return sendAwsError(
          reply,
          new FacegateError(
            'MISSING_AUTHENTICATION',
            'Missing Authentication Token: `/` accepts signed POST requests only',
          ),
        );
      }
      return index(request, reply);
    });
    app.get('/console/console.js', send('console.js'));
    app.get('/console/console.css', send('console.css'));
    // The public door pages: the virtual door (/door/<doorId>) and the approval page of a signed link (/approve).
    app.get('/door/:doorId', send('door.html'));
    app.get('/approve', send('door.html'));
    app.get('/console/door.js', send('door.js'));
    // The Face Liveness page (/liveness?session=<SessionId>): the door and proctor pages link to it.
    app.get('/liveness', send('liveness.html'));
    app.get('/console/liveness.js', send('liveness.js'));
  };
}
