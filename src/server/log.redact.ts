// What the HTTP log may say about a request: method, path, host and peer. Never the query string: raw-image
// registrations carry the person's name, e-mail and phone there, and search parameters can be just as personal.
import type { FastifyRequest } from 'fastify';

/** The path of a URL without its query; `?…` is replaced by a marker so that the log shows there was one. */
export function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?[redacted]`;
}

/** pino serializer for `req` on the HTTP logger (replaces fastify's, which logs the full URL). */
export function requestSerializer(req: FastifyRequest) {
  return { method: req.method, url: pathOnly(req.url), host: req.host, remoteAddress: req.ip };
}
