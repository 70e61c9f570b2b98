// Reads configuration once from the environment (FACEGATE_*) and an optional JSON file (FACEGATE_CONFIG_FILE),
// validates it, and freezes it. Nothing else in the code base reads process.env.
import { readFileSync } from 'node:fs';
import { configSchema, type Config } from './config.schema.ts';

/** env var → path in the config object. One table, so the README's configuration list can be generated from it. */
export const ENV_VARS: Record<string, string> = {
  FACEGATE_ENV: 'env',
  FACEGATE_LOG_LEVEL: 'logLevel',
  FACEGATE_DATA_DIR: 'dataDir',
  FACEGATE_HOST: 'server.host',
  FACEGATE_PORT: 'server.port',
  FACEGATE_MAX_IN_FLIGHT: 'server.maxInFlight',
  FACEGATE_MAX_IN_FLIGHT_PER_CLIENT: 'server.maxInFlightPerClient',
  FACEGATE_MAX_QUEUE_WAIT_MS: 'server.maxQueueWaitMs',
  FACEGATE_MAX_BODY_BYTES_IN_FLIGHT: 'server.maxBodyBytesInFlight',
  FACEGATE_REQUEST_TIMEOUT_SECONDS: 'server.requestTimeoutSeconds',
  FACEGATE_ROLE: 'server.role',
  FACEGATE_TRUST_PROXY: 'server.trustProxy',
  FACEGATE_AUTH_DISABLED: 'auth.disabled',
  FACEGATE_ACCESS_KEY_ID: 'auth.accessKeyId',
  FACEGATE_SECRET_ACCESS_KEY: 'auth.secretAccessKey',
  FACEGATE_KEYS_FILE: 'auth.keysFile',
  FACEGATE_MAX_CLOCK_SKEW_SECONDS: 'auth.maxClockSkewSeconds',
  FACEGATE_MAX_IMAGE_BYTES: 'images.maxInlineBytes',
  FACEGATE_MAX_OBJECT_BYTES: 'images.maxObjectBytes',
  FACEGATE_MAX_IMAGE_PIXELS: 'images.maxPixels',
  FACEGATE_MIN_IMAGE_SIDE: 'images.minSide',
  FACEGATE_MAX_IMAGE_ASPECT_RATIO: 'images.maxAspectRatio',
  FACEGATE_MODELS_DIR: 'models.cacheDir',
  FACEGATE_THREADS: 'models.threads',
  FACEGATE_ORT_SPIN: 'models.spin',
  FACEGATE_ORT_ARENA: 'models.arena',
  FACEGATE_MODELS: 'models.pack',
  FACEGATE_FACE_MIN_SCORE: 'vision.minFaceScore',
  FACEGATE_DETECT_TILING: 'vision.tiling',
  FACEGATE_DETECT_PROFILES: 'vision.profiles',
  FACEGATE_DESCRIPTOR: 'vision.descriptor',
  FACEGATE_LIVENESS_PASS_CONFIDENCE: 'liveness.passConfidence',
  FACEGATE_DETECT_MAX_SIDE: 'vision.maxSide',
  FACEGATE_VISION_CONCURRENCY: 'vision.concurrency',
  FACEGATE_VISION_WORKERS: 'vision.workers',
  FACEGATE_VISION_WORKER_THREADS: 'vision.workerThreads',
  FACEGATE_DATABASE_URL: 'database.url',
  FACEGATE_DATABASE_SCHEMA: 'database.schema',
  FACEGATE_DATABASE_POOL_SIZE: 'database.poolSize',
  FACEGATE_DB_SYNCHRONOUS: 'collections.synchronous',
  FACEGATE_VECTOR_FORMAT: 'collections.vectorFormat',
  FACEGATE_VECTOR_INDEX: 'vectors.index',
  FACEGATE_HNSW_EF_SEARCH: 'vectors.hnswEfSearch',
  FACEGATE_HNSW_M: 'vectors.hnswM',
  FACEGATE_HNSW_EF_CONSTRUCTION: 'vectors.hnswEfConstruction',
  FACEGATE_VECTOR_CONSISTENCY: 'vectors.consistency',
  FACEGATE_VECTOR_SYNC_POLL_MS: 'vectors.syncPollMs',
  FACEGATE_S3_ENDPOINT: 'objectStore.endpoint',
  FACEGATE_S3_BUCKET: 'objectStore.bucket',
  FACEGATE_S3_REGION: 'objectStore.region',
  FACEGATE_S3_ACCESS_KEY_ID: 'objectStore.accessKeyId',
  FACEGATE_S3_SECRET_ACCESS_KEY: 'objectStore.secretAccessKey',
  FACEGATE_S3_FORCE_PATH_STYLE: 'objectStore.forcePathStyle',
  FACEGATE_S3_PREFIX: 'objectStore.prefix',
  FACEGATE_BUCKET_QUOTA_BYTES: 'objectStore.bucketQuotaBytes',
  FACEGATE_BUCKET_QUOTA_OBJECTS: 'objectStore.bucketQuotaObjects',
  FACEGATE_METRICS_TOKEN: 'metrics.token',
  FACEGATE_REST_PUBLIC_READS: 'rest.publicReads',
  FACEGATE_REST_DAILY_QUOTA: 'rest.defaultDailyQuota',
  FACEGATE_REST_RATE_PER_SECOND: 'rest.ratePerSecond',
  FACEGATE_REST_BURST: 'rest.burst',
  FACEGATE_JWT_ISSUER: 'rest.jwtIssuer',
  FACEGATE_JWT_JWKS_URL: 'rest.jwtJwksUrl',
  FACEGATE_JWT_JWKS_FILE: 'rest.jwtJwksFile',
  FACEGATE_JWT_AUDIENCE: 'rest.jwtAudience',
  FACEGATE_VERIFY_COLLECTION: 'apps.verifyCollection',
  FACEGATE_VERIFY_THRESHOLD: 'apps.verifyThreshold',
  FACEGATE_IDENTIFY_THRESHOLD: 'apps.identifyThreshold',
  FACEGATE_PROCTOR_COLLECTION: 'apps.proctorCollection',
  FACEGATE_PROCTOR_MIN_CONFIDENCE: 'apps.proctorMinConfidence',
  FACEGATE_PROCTOR_FACE_MATCH_THRESHOLD: 'apps.proctorFaceMatchThreshold',
  FACEGATE_PROCTOR_OBJECTS_OF_INTEREST: 'apps.proctorObjectsOfInterest',
  FACEGATE_PROCTOR_MODERATION_THRESHOLD: 'apps.proctorModerationThreshold',
  FACEGATE_KEYS_DATABASE_URL: 'apps.keysDatabaseUrl',
  FACEGATE_JOBS_DRIVER: 'jobs.driver',
  FACEGATE_JOBS_DATABASE_URL: 'jobs.databaseUrl',
  FACEGATE_JOBS_CONCURRENCY: 'jobs.concurrency',
  FACEGATE_JOBS_POLL_MS: 'jobs.pollMs',
  FACEGATE_JOBS_LEASE_MS: 'jobs.leaseMs',
  FACEGATE_JOBS_MAX_ATTEMPTS: 'jobs.maxAttempts',
  FACEGATE_JOBS_BACKOFF_MS: 'jobs.backoffMs',
  FACEGATE_NOTIFY_MAX_ATTEMPTS: 'notify.maxAttempts',
  FACEGATE_NOTIFY_BACKOFF_MS: 'notify.backoffMs',
  FACEGATE_WEBHOOK_TIMEOUT_MS: 'notify.webhookTimeoutMs',
  FACEGATE_WEBHOOK_ALLOW_LINK_LOCAL: 'notify.webhookAllowLinkLocal',
  FACEGATE_PIPELINE_WATCH_ROOT: 'pipelineWatchRoot',
  FACEGATE_SMTP_HOST: 'notify.smtp.host',
  FACEGATE_SMTP_PORT: 'notify.smtp.port',
  FACEGATE_SMTP_SECURE: 'notify.smtp.secure',
  FACEGATE_SMTP_USER: 'notify.smtp.user',
  FACEGATE_SMTP_PASSWORD: 'notify.smtp.password',
  FACEGATE_SMTP_FROM: 'notify.smtp.from',
  FACEGATE_SMS_URL: 'notify.sms.url',
  FACEGATE_SMS_ACCOUNT_SID: 'notify.sms.accountSid',
  FACEGATE_SMS_AUTH_TOKEN: 'notify.sms.authToken',
  FACEGATE_SMS_FROM: 'notify.sms.from',
  FACEGATE_MQTT_URL: 'notify.mqtt.url',
  FACEGATE_MQTT_RETAIN: 'notify.mqtt.retain',
  FACEGATE_SNS_ENDPOINT: 'notify.sns.endpoint',
  FACEGATE_SNS_REGION: 'notify.sns.region',
  FACEGATE_SNS_ACCESS_KEY_ID: 'notify.sns.accessKeyId',
  FACEGATE_SNS_SECRET_ACCESS_KEY: 'notify.sns.secretAccessKey',
  FACEGATE_WATCH_POLL_MS: 'watchPollMs',
  FACEGATE_ACCOUNT_ID: 'aws.accountId',
  FACEGATE_FACE_MODEL_VERSION: 'aws.faceModelVersion',
  FACEGATE_STS_MAX_DURATION_SECONDS: 'aws.stsMaxDurationSeconds',
  FACEGATE_S3_PORT: 's3.port',
  FACEGATE_S3_MAX_OBJECT_BYTES: 's3.maxObjectBytes',
  FACEGATE_S3_DOMAINS: 's3.domains',
  FACEGATE_S3_READONLY_BUCKETS: 's3.readOnlyBuckets',
  FACEGATE_DOOR_SECRET: 'door.secret',
  FACEGATE_DOOR_PUBLIC_URL: 'door.publicUrl',
  FACEGATE_DOOR_PASSCODE_TTL_SECONDS: 'door.passcodeTtlSeconds',
  FACEGATE_DOOR_APPROVAL_TTL_SECONDS: 'door.approvalTtlSeconds',
  FACEGATE_DOOR_MAX_FAILURES: 'door.maxFailures',
  FACEGATE_DOOR_MAX_FAILURES_PER_DOOR: 'door.doorMaxFailures',
  FACEGATE_DOOR_LOCKOUT_SECONDS: 'door.lockoutSeconds',
  FACEGATE_DOOR_MAX_LOCKOUT_SECONDS: 'door.maxLockoutSeconds',
  FACEGATE_DOOR_DENY_COOLDOWN_SECONDS: 'door.denyCooldownSeconds',
  FACEGATE_DOOR_DATABASE_URL: 'door.databaseUrl',
  FACEGATE_DOOR_DATABASE_SCHEMA: 'door.databaseSchema',
  FACEGATE_DOOR_RELOCK_SECONDS: 'door.relockSeconds',
  FACEGATE_FFMPEG_PATH: 'streams.ffmpegPath',
  FACEGATE_STREAM_STALL_MS: 'streams.stallMs',
  FACEGATE_HA_DISCOVERY: 'streams.homeAssistant',
  FACEGATE_HA_DISCOVERY_PREFIX: 'streams.discoveryPrefix',
  FACEGATE_PUBLIC_URL: 'streams.publicUrl',
  FACEGATE_GOVERNANCE_DATABASE_URL: 'governance.databaseUrl',
  FACEGATE_GOVERNANCE_DATABASE_SCHEMA: 'governance.databaseSchema',
  FACEGATE_AUDIT_RETENTION_DAYS: 'governance.auditRetentionDays',
  FACEGATE_CONSENT_REQUIRED: 'governance.consentRequired',
  FACEGATE_RETENTION: 'governance.retention',
  FACEGATE_DESCRIPTOR_ONLY: 'governance.descriptorOnly',
  FACEGATE_MASTER_KEY: 'governance.masterKey',
  FACEGATE_MASTER_KEY_FILE: 'governance.masterKeyFile',
  FACEGATE_ERASURE_REWRITE_MAX_MB: 'governance.erasureRewriteMaxMb',
  FACEGATE_CAMERAS_DATABASE_URL: 'streams.databaseUrl',
  FACEGATE_CAMERAS_SYNC_MS: 'streams.syncMs',
};

type Tree = { [k: string]: string | Tree };

function setPath(tree: Tree, path: string, value: string): void {
  const keys = path.split('.');
  let node = tree;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Tree;
  node[keys[keys.length - 1]!] = value;
}

function deepMerge(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = typeof v === 'object' && typeof cur === 'object' ? deepMerge(cur, v) : v;
  }
  return out;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Builds the config from (lowest to highest precedence) the file, the environment, and explicit overrides
 * (CLI flags, tests). Throws ConfigError naming every invalid setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Tree = {}): Readonly<Config> {
  let tree: Tree = { server: {}, auth: {}, images: {}, models: {} };
  const file = env.FACEGATE_CONFIG_FILE;
  if (file) {
    try {
      tree = deepMerge(tree, JSON.parse(readFileSync(file, 'utf8')) as Tree);
    } catch (e) {
      throw new ConfigError([`FACEGATE_CONFIG_FILE (${file}): ${(e as Error).message}`]);
    }
  }
  const fromEnv: Tree = {};
  for (const [name, path] of Object.entries(ENV_VARS)) {
    const v = env[name];
    if (v !== undefined && v !== '') setPath(fromEnv, path, v);
  }
  tree = deepMerge(deepMerge(tree, fromEnv), overrides);
  const parsed = configSchema.safeParse(tree);
  if (!parsed.success) {
    const byPath = Object.fromEntries(Object.entries(ENV_VARS).map(([k, v]) => [v, k]));
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const path = i.path.join('.');
        return `${byPath[path] ?? path}: ${i.message}`;
      }),
    );
  }
  return deepFreeze(parsed.data);
}

/** Log level before the full config is loaded (the logger is created first). */
export function bootLogLevel(env: NodeJS.ProcessEnv = process.env): string {
  return env.FACEGATE_LOG_LEVEL ?? 'info';
}
