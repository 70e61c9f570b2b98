// The STS query protocol on `POST /` (form-encoded `Action=GetSessionToken|AssumeRole|GetCallerIdentity`, SigV4
// service `sts`), answered in STS's XML. It shares `/` with Rekognition's JSON protocol: a form body without
// X-Amz-Target is STS. Sessions are stateless tokens (auth/session.tokens.ts). Only the permanent keys may call
// GetSessionToken, as on AWS; AssumeRole accepts temporary credentials too (role chaining, at most one hour).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.schema.ts';
import type { KeyRing } from '../../auth/access.keys.ts';
import { issueSession, type IssuedSession } from '../../auth/session.tokens.ts';
import { verifySigV4 } from '../../auth/sigv4.verifier.ts';
import { FacegateError, type ErrorCode } from '../../errors.ts';
import { normalizeError } from '../../server/error.handler.ts';
import { xmlEscape } from '../s3/s3.xml.ts';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function isStsRequest(request: FastifyRequest): boolean {
  const type = String(request.headers['content-type'] ?? '');
  return type.startsWith('application/x-www-form-urlencoded') && request.headers['x-amz-target'] === undefined;
}

/** FacegateError → STS's error code (what the SDK's STS client names its exceptions after). */
const STS_CODES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'InvalidClientTokenId',
  EXPIRED_TOKEN: 'ExpiredToken',
  INVALID_SIGNATURE: 'SignatureDoesNotMatch',
  INCOMPLETE_SIGNATURE: 'IncompleteSignature',
  MISSING_AUTHENTICATION: 'MissingAuthenticationToken',
  ACCESS_DENIED: 'AccessDenied',
  UNKNOWN_OPERATION: 'InvalidAction',
  INVALID_PARAMETER: 'ValidationError',
};
const stsCode = (e: FacegateError): string =>
  STS_CODES[e.code] ?? (e.status >= 500 ? 'InternalFailure' : 'InvalidParameterValue');

function duration(form: URLSearchParams, fallback: number, max: number): number {
  const text = form.get('DurationSeconds');
  if (text === null) return Math.min(fallback, max);
  const n = Number(text);
  if (!Number.isInteger(n) || n < 900 || n > max) {
    throw new FacegateError('INVALID_PARAMETER', `DurationSeconds must be an integer between 900 and ${max}`);
  }
  return n;
}

function credentialsXml(s: IssuedSession): string {
  return (
    `<Credentials><AccessKeyId>${s.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(s.secretAccessKey)}` +
    `</SecretAccessKey><SessionToken>${xmlEscape(s.sessionToken)}</SessionToken>` +
    `<Expiration>${s.expiration.toISOString()}</Expiration></Credentials>`
  );
}

export async function handleSts(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: { keys: KeyRing | undefined; config: Readonly<Config> },
): Promise<FastifyReply> {
  const requestId = request.id;
  const xml = (status: number, body: string) =>
    reply.code(status).header('content-type', 'text/xml').send(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  try {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!deps.keys)
      throw new FacegateError('ACCESS_DENIED', 'STS needs authentication: the server runs with --no-auth');
    const now = new Date();
    const who = verifySigV4({ method: request.method, url: request.url, headers: request.headers, body }, deps.keys, {
      service: 'sts',
      now,
      maxClockSkewSeconds: deps.config.auth.maxClockSkewSeconds,
    });
    const form = new URLSearchParams(body.toString('utf8'));
    const parent = deps.keys.find(who.principal)!;
    const max = deps.config.aws.stsMaxDurationSeconds;
    const action = form.get('Action');
    const account = deps.config.aws.accountId;
    let inner: string;
    if (action === 'GetSessionToken') {
      if (who.temporary) {
        throw new FacegateError('ACCESS_DENIED', 'Cannot call GetSessionToken with session credentials');
      }
      inner = credentialsXml(issueSession(parent, duration(form, 43_200, max), now));
    } else if (action === 'AssumeRole') {
      const arn = form.get('RoleArn') ?? '';
      const sessionName = form.get('RoleSessionName') ?? '';
      if (!/^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(arn)) {
        throw new FacegateError(
          'INVALID_PARAMETER',
          'RoleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
        );
      }
      if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
        throw new FacegateError('INVALID_PARAMETER', 'RoleSessionName must be 2–64 characters of [\\w+=,.@-]');
      }
      const s = issueSession(parent, duration(form, 3600, who.temporary ? 3600 : max), now, { arn, sessionName });
      const roleName = arn.slice(arn.lastIndexOf('/') + 1);
      const assumed = `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
      inner =
        credentialsXml(s) +
        `<AssumedRoleUser><AssumedRoleId>AROAFACEGATE:${xmlEscape(sessionName)}</AssumedRoleId>` +
        `<Arn>${xmlEscape(assumed)}</Arn></AssumedRoleUser>`;
    } else if (action === 'GetCallerIdentity') {
      // Who the credentials stand for: the permanent key (sessions report the key that issued them).
      const arn = `arn:aws:iam::${account}:user/${who.principal}`;
      inner = `<Account>${account}</Account><Arn>${xmlEscape(arn)}</Arn><UserId>${xmlEscape(who.principal)}</UserId>`;
    } else {
      throw new FacegateError(
        'UNKNOWN_OPERATION',
        `Could not find operation ${action ?? '(none)'} for version 2011-06-15`,
      );
    }
    return xml(
      200,
      `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    );
  } catch (e) {
    const err = normalizeError(e);
    if (err.status >= 500) request.log.error({ err: e }, 'sts request failed');
    const status = err.status >= 500 ? err.status : err.code === 'EXPIRED_TOKEN' ? 400 : err.status;
    return xml(
      status,
      `<ErrorResponse xmlns="${NS}"><Error><Type>${err.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
        `<Code>${stsCode(err)}</Code><Message>${xmlEscape(err.code === 'INTERNAL' ? 'Internal error' : err.message)}` +
        `</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
}
