// The one error catalogue. Every failure a client can see is one of these codes. Codes are stable: never reuse or
// rename one. `aws` is the error type the Rekognition protocol reports (`__type`); `status` the HTTP status on both APIs.

export const ERRORS = {
  INVALID_IMAGE_FORMAT: {
    status: 400,
    aws: 'InvalidImageFormatException',
    message: 'The image is not a valid JPEG, PNG or WebP',
  },
  IMAGE_TOO_LARGE: {
    status: 400,
    aws: 'ImageTooLargeException',
    message: 'The image is larger than the allowed limit',
  },
  IMAGE_TOO_SMALL: {
    status: 400,
    aws: 'InvalidParameterException',
    message: 'The image is smaller than the minimum size',
  },
  NO_FACE: { status: 400, aws: 'InvalidParameterException', message: 'There are no faces in the image' },
  INVALID_PARAMETER: { status: 400, aws: 'InvalidParameterException', message: 'A parameter is invalid' },
  INVALID_PAGINATION_TOKEN: {
    status: 400,
    aws: 'InvalidPaginationTokenException',
    message: 'The pagination token is invalid',
  },
  INVALID_S3_OBJECT: {
    status: 400,
    aws: 'InvalidS3ObjectException',
    message: 'The object could not be read from the object store',
  },
  NOT_FOUND: { status: 404, aws: 'ResourceNotFoundException', message: 'The resource does not exist' },
  ALREADY_EXISTS: { status: 409, aws: 'ResourceAlreadyExistsException', message: 'The resource already exists' },
  CONFLICT: { status: 409, aws: 'ConflictException', message: 'The request conflicts with the current state' },
  IN_USE: { status: 400, aws: 'ResourceInUseException', message: 'The resource is in use or in the wrong state' },
  IDEMPOTENCY_MISMATCH: {
    status: 409,
    aws: 'IdempotentParameterMismatchException',
    message: 'The request token was used with other parameters',
  },
  LIMIT_EXCEEDED: { status: 400, aws: 'LimitExceededException', message: 'A limit was exceeded' },
  SERVICE_QUOTA_EXCEEDED: {
    status: 400,
    aws: 'ServiceQuotaExceededException',
    message: 'A service quota was exceeded',
  },
  /** A write would take a bucket past its storage quota (bytes or objects); deletes give space back. */
  BUCKET_QUOTA_EXCEEDED: {
    status: 403,
    aws: 'ServiceQuotaExceededException',
    message: 'The bucket’s storage quota is used up',
  },
  THROTTLED: { status: 429, aws: 'ThrottlingException', message: 'Too many requests' },
  LIVENESS_SESSION_NOT_FOUND: {
    status: 404,
    aws: 'SessionNotFoundException',
    message: 'The face liveness session does not exist',
  },
  /** A session is single-use and lives 3 minutes: frames after its end or its expiry are refused. */
  LIVENESS_SESSION_ENDED: {
    status: 409,
    aws: 'SessionNotFoundException',
    message: 'The face liveness session has expired or was already used',
  },
  LIVENESS_DEVICE_LOCKED: {
    status: 429,
    aws: 'AccessDeniedException',
    message: 'Too many failed liveness sessions from this device; try again later',
  },
  QUOTA_EXCEEDED: {
    status: 429,
    aws: 'LimitExceededException',
    message: 'The daily request quota of this key is used up',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    aws: 'InvalidParameterException',
    message: 'The request body has an unsupported content type',
  },
  UNAUTHENTICATED: {
    status: 401,
    aws: 'UnrecognizedClientException',
    message: 'The security token included in the request is invalid',
  },
  EXPIRED_TOKEN: {
    status: 403,
    aws: 'ExpiredTokenException',
    message: 'The security token included in the request is expired',
  },
  INVALID_SIGNATURE: { status: 403, aws: 'InvalidSignatureException', message: 'The request signature does not match' },
  ACCESS_DENIED: { status: 403, aws: 'AccessDeniedException', message: 'Access denied' },
  /** The key is limited to other collections or apps than the ones the request reaches. */
  SCOPE_DENIED: { status: 403, aws: 'AccessDeniedException', message: 'The request is outside the key’s scope' },
  INCOMPLETE_SIGNATURE: {
    status: 403,
    aws: 'IncompleteSignatureException',
    message: 'The request signature is incomplete or malformed',
  },
  MISSING_AUTHENTICATION: {
    status: 403,
    aws: 'MissingAuthenticationTokenException',
    message: 'Missing Authentication Token',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    aws: 'ImageTooLargeException',
    message: 'The request body is larger than the allowed limit',
  },
  ROUTE_NOT_FOUND: { status: 404, aws: 'UnknownOperationException', message: 'No such route' },
  UNKNOWN_OPERATION: { status: 400, aws: 'UnknownOperationException', message: 'The operation is not supported' },
  MODEL_MISMATCH: {
    status: 409,
    aws: 'InvalidParameterException',
    message: 'Descriptors of different face models cannot be mixed',
  },
  MODEL_NOT_AVAILABLE: {
    status: 503,
    aws: 'ServiceUnavailableException',
    message: 'A model is not prepared: run `facegate models prepare`',
  },
  MODEL_CONVERSION_FAILED: { status: 500, aws: 'InternalServerError', message: 'A model could not be converted' },
  MODEL_LOAD_FAILED: { status: 500, aws: 'InternalServerError', message: 'A model could not be loaded' },
  CONSENT_REQUIRED: {
    status: 422,
    aws: 'InvalidParameterException',
    message: 'This collection indexes only people with a consent record',
  },
  PHOTOS_NOT_KEPT: {
    status: 409,
    aws: 'InvalidParameterException',
    message: 'This collection keeps descriptors only, not photos',
  },
  ENCRYPTION_FAILED: {
    status: 500,
    aws: 'InternalServerError',
    message: 'Stored data could not be decrypted with the configured keys',
  },
  NOT_READY: { status: 503, aws: 'ServiceUnavailableException', message: 'The service is starting' },
  INTERNAL: { status: 500, aws: 'InternalServerError', message: 'Internal server error' },
} as const satisfies Record<string, { status: number; aws: string; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class FacegateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly aws: string;
  /** Extra fields safe to show the client (never internals). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message ?? ERRORS[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FacegateError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.aws = ERRORS[code].aws;
    this.details = options?.details;
  }
}

export const isFacegateError = (e: unknown): e is FacegateError => e instanceof FacegateError;

/** Any thrown value as a FacegateError; unknown failures become INTERNAL with the original kept as `cause`. */
export function toFacegateError(e: unknown): FacegateError {
  return isFacegateError(e) ? e : new FacegateError('INTERNAL', undefined, { cause: e });
}
