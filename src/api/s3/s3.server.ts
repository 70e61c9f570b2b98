// The S3-compatible endpoint: its own fastify instance on its own port (FACEGATE_S3_PORT, default 9000), a thin
// adapter over the ObjectStore port. Path-style (`/bucket/key`) and virtual-host-style (`bucket.<domain>/key`)
// addressing; SigV4 for service s3 (header, presigned, UNSIGNED-PAYLOAD, aws-chunked signed and trailer bodies,
// session tokens) from the same verifier as Rekognition; S3 XML errors.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { KeyRing } from '../../auth/access.keys.ts';
import { safeDecode } from '../../auth/sigv4.canonical.ts';
import { decodeStreamingPayload } from '../../auth/sigv4.chunked.ts';
import { verifySigV4, type Verified } from '../../auth/sigv4.verifier.ts';
import { isSigV2, verifySigV2 } from '../../auth/sigv2.verifier.ts';
import type { Logger } from '../../logger.ts';
import { dispatch } from './s3.dispatch.ts';
import { errorXml, S3Error, toS3Error } from './s3.errors.ts';
import type { S3Deps, S3Request } from './s3.types.ts';

export interface S3ServerOptions {
  deps: S3Deps;
  /** Undefined only with `--no-auth`. */
  keys: KeyRing | undefined;
  logger: Logger;
  maxClockSkewSeconds: number;
  /** Host names whose sub-domains name buckets. */
  domains: readonly string[];
}

/** Bucket and key from the Host and the path; virtual-hosted when the host is `<bucket>.<one of domains>`. */
export function address(hostHeader: string, rawPath: string, domains: readonly string[]) {
  const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
  const path = rawPath.split('?')[0]!;
  const domain = domains.find((d) => host.endsWith('.' + d));
  if (domain) {
    const bucket = host.slice(0, -(domain.length + 1));
    const key = safeDecode(path.slice(1));
    return { bucket, key: key || undefined, virtual: true };
  }
  const rest = path.slice(1);
  const slash = rest.indexOf('/');
  const bucket = safeDecode(slash < 0 ? rest : rest.slice(0, slash));
  const key = slash < 0 ? '' : safeDecode(rest.slice(slash + 1));
  return { bucket: bucket || undefined, key: key || undefined, virtual: false };
}

export async function buildS3App(options: S3ServerOptions): Promise<FastifyInstance> {
  const { deps, keys } = options;
  const app = Fastify({
    loggerInstance: options.logger.child({ module: 's3' }) as FastifyBaseLogger,
    // Room for the largest object plus aws-chunked framing (~90 bytes per 64 KiB chunk, far less than 1 %).
    bodyLimit: Math.ceil(deps.maxObjectBytes * 1.01) + 64 * 1024,
    genReqId: () => randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
    requestIdHeader: false,
    exposeHeadRoutes: false,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const send = (request: FastifyRequest, reply: FastifyReply, e: unknown): FastifyReply => {
    const hadToken =
      request.headers['x-amz-security-token'] !== undefined || /[?&]X-Amz-Security-Token=/.test(request.url);
    const err = toS3Error(e, hadToken);
    if (err.status >= 500) request.log.error({ err: e }, 's3 request failed');
    else request.log.info({ code: err.code, reason: err.message }, 's3 request refused');
    reply.code(err.status).header('x-amz-request-id', request.id);
    if (request.method === 'HEAD' || err.message === '') return reply.send();
    return reply
      .header('content-type', 'application/xml')
      .send(errorXml(err, request.url.split('?')[0]!, String(request.id)));
  };
  app.setErrorHandler((e, request, reply) => send(request, reply, e));

  // Bodies are held in memory until verified: past this many declared bytes in flight, new uploads get S3's
  // 503 SlowDown (the SDKs back off and retry) instead of growing the heap without bound.
  const maxBodyBytesInFlight = 4 * deps.maxObjectBytes;
  let bodyBytesInFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (!Number.isFinite(declared) || declared <= 0) return;
    if (bodyBytesInFlight > 0 && bodyBytesInFlight + declared > maxBodyBytesInFlight) {
      reply.header('retry-after', '1');
      throw new S3Error('SlowDown', 'Please reduce your request rate.');
    }
    bodyBytesInFlight += declared;
    let released = false;
    const release = () => {
      if (!released) bodyBytesInFlight -= declared;
      released = true;
    };
    reply.raw.once('finish', release);
    reply.raw.once('close', release);
  });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let verified: Verified | undefined;
    const { bucket, key, virtual } = address(String(request.headers.host ?? ''), request.url, options.domains);
    if (keys && isSigV2(request.url, request.headers)) {
      verified = verifySigV2(request, keys, {
        now: new Date(),
        maxClockSkewSeconds: options.maxClockSkewSeconds,
        ...(virtual && bucket ? { virtualBucket: bucket } : {}),
      });
    } else if (keys) {
      verified = verifySigV4({ method: request.method, url: request.url, headers: request.headers, body: raw }, keys, {
        service: 's3',
        now: new Date(),
        maxClockSkewSeconds: options.maxClockSkewSeconds,
        s3: true,
        allowPresigned: true,
      });
      request.log = request.log.child({ accessKeyId: verified.accessKeyId });
    }
    let body = raw;
    let trailers = new Map<string, string>();
    if (verified && verified.payload.startsWith('streaming')) {
      ({ payload: body, trailers } = decodeStreamingPayload(raw, verified));
      const declared = request.headers['x-amz-decoded-content-length'];
      if (declared !== undefined && Number(declared) !== body.length) {
        throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length');
      }
    } else if (!verified && String(request.headers['content-encoding'] ?? '').includes('aws-chunked')) {
      throw new S3Error('NotImplemented', 'aws-chunked bodies need signed requests');
    }
    const q = request.url.indexOf('?');
    const req: S3Request = {
      method: request.method,
      bucket,
      key,
      query: new URLSearchParams(q < 0 ? '' : request.url.slice(q + 1)),
      headers: request.headers,
      body,
      trailers,
      region: verified?.region ?? 'us-east-1',
    };
    const res = await dispatch(deps, req, verified?.principal ?? 'anonymous');
    reply.code(res.status ?? 200).header('x-amz-request-id', request.id);
    for (const [k, v] of Object.entries(res.headers ?? {})) reply.header(k, v);
    if (res.body === undefined) {
      // HEAD keeps the object's Content-Length; other empty answers say 0.
      if (request.method !== 'HEAD' || !res.headers?.['content-length']) reply.header('content-length', '0');
      return reply.send();
    }
    return reply.send(Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.body));
  };
  app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'], url: '/', handler });
  app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'], url: '/*', handler });
  return app;
}
