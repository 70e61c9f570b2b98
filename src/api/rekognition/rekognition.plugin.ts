// The AWS JSON 1.1 protocol on `POST /`: verify SigV4 over the raw body, resolve X-Amz-Target to an operation,
// validate the JSON body with the operation's schema, run it, answer `application/x-amz-json-1.1`. Errors on this
// route render in the AWS shape (see server/error.handler.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../app/container.ts';
import type { KeyRing } from '../../auth/access.keys.ts';
import { verifySigV4 } from '../../auth/sigv4.verifier.ts';
import { FacegateError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { assertJsonDepth } from '../../server/json.depth.ts';
import { audited } from '../../governance/audit.scope.ts';
import { AUDITED_OPERATIONS } from './rekognition.audit.ts';
import { IMAGE_OPERATIONS, resolveOperation } from './rekognition.operations.ts';
import { describeIssues } from './rekognition.schemas.ts';
import { handleSts, isStsRequest } from '../sts/sts.handler.ts';
import { applyWireIdentity, FACE_MODEL_HEADER } from './aws.identity.ts';
import { runAdmitted } from '../../vision/admission/request.scope.ts';

export interface RekognitionPluginOptions {
  /** Undefined only with `--no-auth`. */
  keys: KeyRing | undefined;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  assertJsonDepth(body);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new FacegateError('INVALID_PARAMETER', 'The request body is not valid JSON');
  }
}

export function rekognitionPlugin(container: Container, options: RekognitionPluginOptions) {
  const { keys } = options;
  const maxSkew = container.config.auth.maxClockSkewSeconds;
  // Image operations pass the admission control in front of the engine (vision/admission/): beyond capacity, or
  // beyond one client's share, the answer is an immediate ThrottlingException with Retry-After (the SDKs back off and
  // retry) instead of a wait of seconds. The client is the permanent key behind the signature (temporary
  // credentials share their key's share), or the address without auth.
  return async (app: FastifyInstance): Promise<void> => {
    // The signature covers the exact bytes, so every body on this route is read raw, whatever its content type.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    // Only Image.Bytes is large on this protocol: room for the base64 of the inline limit and the JSON around it.
    const bodyLimit = Math.ceil((container.config.images.maxInlineBytes * 4) / 3) + 64 * 1024;
    app.post('/', { bodyLimit, config: { errorFormat: 'aws' } }, async (request, reply) => {
      // The STS query protocol shares `/`: a form body without X-Amz-Target (sts/sts.handler.ts).
      if (isStsRequest(request)) return handleSts(request, reply, { keys, config: container.config });
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      let region = 'us-east-1';
      let accessKeyId: string | undefined;
      let caller = 'anonymous';
      let principal: string | undefined;
      if (keys) {
        const who = verifySigV4({ method: request.method, url: request.url, headers: request.headers, body }, keys, {
          service: 'rekognition',
          now: new Date(),
          maxClockSkewSeconds: maxSkew,
          // Signed, so that a captured request cannot be replayed as another operation. Content-Type is not
          // required: aws-sdk v2 never signs it, and a body re-labelled as STS's form fails STS's service scope.
          requiredSignedHeaders: ['x-amz-target'],
          allowPresigned: true,
        });
        region = who.region;
        request.log = request.log.child({
          accessKeyId: who.accessKeyId,
          ...(who.temporary ? { principal: who.principal } : {}),
        });
        accessKeyId = who.accessKeyId;
        caller = `sigv4:${who.principal}`;
        principal = who.principal;
      }
      const { name, op } = resolveOperation(header(request, 'x-amz-target'));
      // The completion and error lines (written through reply.log) then say who called which operation.
      request.log = request.log.child({ operation: name });
      reply.log = request.log;
      // Image operations are admitted (or refused at once) before the body is parsed, and before the audit scope opens:
      // a refused request did no biometric work and costs the server next to nothing.
      const ticket = IMAGE_OPERATIONS.has(name)
        ? container.admission.admit(principal ? `sigv4:${principal}` : `ip:${request.ip}`)
        : undefined;
      try {
        const parsed = op.schema.safeParse(parseJson(body));
        if (!parsed.success) throw new FacegateError('INVALID_PARAMETER', describeIssues(parsed.error));
        // request.log is a child of our pino root logger (server/app.ts), so it is a full pino Logger.
        const log = request.log as Logger;
        const handle = () => op.handle(parsed.data, { container, log, caller });
        // Biometric operations write one audit entry each, whatever their outcome (governance/audit.scope.ts).
        const describe = AUDITED_OPERATIONS[name as keyof typeof AUDITED_OPERATIONS];
        const run = async () =>
          describe
            ? audited(
                (await container.get('governance')).audit,
                {
                  api: 'rekognition',
                  operation: name,
                  actorKind: accessKeyId ? 'sigv4' : 'anonymous',
                  actorId: accessKeyId ?? 'anonymous',
                  address: request.ip,
                },
                handle,
                (res) => describe(parsed.data as Record<string, unknown>, res),
              )
            : handle();
        const result = ticket ? await runAdmitted(ticket, run) : await run();
        const { accountId, faceModelVersion } = container.config.aws;
        const model = applyWireIdentity(result, { region, accountId, faceModelVersion });
        if (model) reply.header(FACE_MODEL_HEADER, model);
        // A Buffer, so the content type goes out exactly as AWS sends it (no charset suffix).
        return reply.header('content-type', 'application/x-amz-json-1.1').send(Buffer.from(JSON.stringify(result)));
      } finally {
        ticket?.release();
      }
    });
  };
}
