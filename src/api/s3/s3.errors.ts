// S3's error codes and statuses (what the SDKs name their exceptions after: NoSuchKey, NoSuchBucket, …), and how a
// FacegateError from the shared services (SigV4, object store) becomes one. Rendered as S3's `<Error>` XML.
import { FacegateError, type ErrorCode } from '../../errors.ts';
import { normalizeError } from '../../server/error.handler.ts';
import { xmlDocument } from './s3.xml.ts';

export const S3_ERRORS = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  ExpiredToken: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidToken: 400,
  KeyTooLongError: 400,
  MalformedXML: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NotImplemented: 501,
  PreconditionFailed: 412,
  /** A bucket quota is used up: Ceph RGW's code and status (MinIO says XMinioAdminBucketQuotaExceeded, 400). */
  QuotaExceeded: 403,
  RequestTimeTooSkewed: 403,
  ServiceUnavailable: 503,
  SignatureDoesNotMatch: 403,
  SlowDown: 503,
  XAmzContentSHA256Mismatch: 400,
} as const;
export type S3ErrorCode = keyof typeof S3_ERRORS;

export class S3Error extends Error {
  constructor(
    readonly code: S3ErrorCode,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'S3Error';
  }
  get status(): number {
    return S3_ERRORS[this.code];
  }
}

const FROM_FACEGATE: Partial<Record<ErrorCode, S3ErrorCode>> = {
  MISSING_AUTHENTICATION: 'AccessDenied',
  ACCESS_DENIED: 'AccessDenied',
  INCOMPLETE_SIGNATURE: 'AuthorizationHeaderMalformed',
  INVALID_SIGNATURE: 'SignatureDoesNotMatch',
  UNAUTHENTICATED: 'InvalidAccessKeyId',
  EXPIRED_TOKEN: 'ExpiredToken',
  INVALID_PARAMETER: 'InvalidArgument',
  PAYLOAD_TOO_LARGE: 'EntityTooLarge',
  BUCKET_QUOTA_EXCEEDED: 'QuotaExceeded',
  NOT_READY: 'ServiceUnavailable',
};

export function toS3Error(e: unknown, hadToken: boolean): S3Error {
  if (e instanceof S3Error) return e;
  const err: FacegateError = normalizeError(e);
  const named = err.details?.s3;
  let code: S3ErrorCode =
    typeof named === 'string' && named in S3_ERRORS
      ? (named as S3ErrorCode)
      : (FROM_FACEGATE[err.code] ?? 'InternalError');
  // With a session token, an unrecognised credential is the token's fault (the SDKs' InvalidToken).
  if (err.code === 'UNAUTHENTICATED' && hadToken) code = 'InvalidToken';
  return new S3Error(
    code,
    code === 'InternalError' ? 'We encountered an internal error. Please try again.' : err.message,
  );
}

export function errorXml(err: S3Error, resource: string, requestId: string): string {
  return xmlDocument(
    'Error',
    { Code: err.code, Message: err.message, ...err.extra, Resource: resource, RequestId: requestId },
    undefined,
  );
}
