// The configuration schema: every FACEGATE_* setting, its type, default and bounds. Parts of the system add their
// section here, so that one validation pass names every problem at start-up.
import { z } from 'zod';
import { retentionSchema } from '../governance/retention.schema.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const MB = 1024 * 1024;

export const configSchema = z.object({
  env: z.enum(['development', 'production', 'test']).default('development'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  dataDir: z.string().min(1).default('./data'),
  server: z.object({
    host: z.string().default('0.0.0.0'),
    port: int(0, 65535).default(8080),
    /**
     * Image requests (both APIs) admitted at once, however fast the engine; beyond it, THROTTLED: 429 + Retry-After on
     * REST, ThrottlingException on the Rekognition protocol (the SDKs back off and retry). vision/admission/.
     */
    maxInFlight: int(1, 10_000).default(64),
    /** Image requests one client (API key, SigV4 principal, or address) may have admitted at once. */
    maxInFlightPerClient: int(1, 10_000).default(8),
    /** An image request is admitted only if it can expect an engine slot within this many ms (estimated from load). */
    maxQueueWaitMs: int(0, 600_000).default(1000),
    /** Bytes of large request bodies held at once, server-wide; beyond it, 429 + Retry-After (src/server/body.budget.ts). */
    maxBodyBytesInFlight: int(1024 * 1024, 16 * 1024 * MB).default(64 * MB),
    /** A request (headers and body) must arrive within this many seconds; slow uploads cannot hold the budget. */
    requestTimeoutSeconds: int(1, 3600).default(60),
    /** api: HTTP, no job workers; worker: job workers + outbox, health endpoints only; all: both (app/deployment.ts). */
    role: z.enum(['api', 'worker', 'all']).default('all'),
    /**
     * Whose X-Forwarded-For is believed: the proxies' addresses, CIDR ranges or loopback / linklocal / uniquelocal,
     * comma-separated. Unset: the client address is the peer's, so a proxy in front looks like one client to the
     * liveness lockout, the rate limits and the audit log.
     */
    trustProxy: z.string().min(1).optional(),
  }),
  auth: z.object({
    /** Off only by an explicit flag (`facegate serve --no-auth`); never by default. */
    disabled: bool.default(false),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    keysFile: z.string().optional(),
    /** Requests signed further than this from the server clock are refused (SigV4 replay window). */
    maxClockSkewSeconds: int(1, 3600).default(900),
  }),
  images: z.object({
    /** Inline image bytes (Image.Bytes, uploads), as Rekognition: 5 MB. */
    maxInlineBytes: int(1024, 100 * MB).default(5 * MB),
    /** Stored objects (Image.S3Object), as Rekognition: 15 MB. */
    maxObjectBytes: int(1024, 500 * MB).default(15 * MB),
    /** Decompression-bomb ceiling, checked from the header before any pixel is decoded. */
    maxPixels: int(6400, 500_000_000).default(40_000_000),
    minSide: int(1, 4096).default(80),
    /** Long side ÷ short side at most this: thinner strips hold no usable face but cost many detection tiles. */
    maxAspectRatio: int(2, 1000).default(20),
  }),
  models: z.object({
    /** Where converted ONNX models are cached (default: <dataDir>/../.cache/models under the project). */
    cacheDir: z.string().optional(),
    /** Intra-op threads per ONNX Runtime session (0 = runtime default). */
    threads: int(0, 64).default(2),
    /** Busy-wait ONNX Runtime threads between operators: lower latency on an idle machine, worse when it is shared. */
    spin: bool.default(false),
    /** ONNX Runtime's CPU memory arena per session: keeps peak intermediate buffers; off saves memory per engine. */
    arena: bool.default(false),
    /** 'default' (the converted npm models), or a directory holding a user model pack (pack.json + ONNX files). */
    pack: z.string().default('default'),
  }),
  /** Face Liveness sessions (liveness/liveness.service.ts, docs/liveness.md). */
  liveness: z
    .object({
      /** A session whose Confidence (0–100) is below this counts as failed for the device lockout. */
      passConfidence: z.coerce.number().min(0).max(100).default(50),
    })
    .prefault({}),
  /** Face detection and analysis (vision/face.engine.ts). */
  vision: z
    .object({
      /** FaceMesh face-presence threshold (0–1): what confirms a BlazeFace proposal as a face. */
      minFaceScore: z.coerce.number().min(0).max(1).default(0.5),
      /** Small-face tiles: auto (skipped for portraits), always, never (fastest; faces < 1/8 of the image are missed). */
      tiling: z.enum(['auto', 'always', 'never']).default('auto'),
      /**
       * Profile pass (a second detector that sees heads turned up to 90°, reported with a profile pose and no
       * descriptor): when-none (only on images where no face was found; the default), always (≈ 10× a BlazeFace pass
       * on every image), off.
       */
      profiles: z.enum(['when-none', 'always', 'off']).default('when-none'),
      /** Long side of the working copy that detection and attributes run on (pixels). */
      maxSide: int(256, 8192).default(1280),
      /**
       * Worker threads that run the models, each with its own sessions and one image at a time (vision/pool/);
       * 0 = in the main thread, `concurrency` images at once. docs/benchmarks.md "Throughput under load".
       */
      workers: int(0, 64).default(2),
      /** ONNX Runtime intra-op threads per session in each worker (models.threads applies in the main thread). */
      workerThreads: int(1, 64).default(1),
      /** Images analysed at once in the main thread when workers = 0 (ONNX Runtime runs block the event loop). */
      concurrency: int(1, 64).default(1),
      /**
       * Face descriptor: mobilefacenet (default, fast), fusion3 (three models fused, ≈ 3× the time; docs/benchmarks.md
       * "Trust") or pack (the recognizer of the model pack in models.pack; docs/models.md).
       */
      descriptor: z.enum(['mobilefacenet', 'fusion3', 'pack']).default('mobilefacenet'),
    })
    .prefault({}),
  /**
   * Where all state lives: unset → the embedded <dataDir>/facegate.db; postgres://… → every store on that Postgres
   * (FACEGATE_KEYS_DATABASE_URL and FACEGATE_JOBS_DATABASE_URL still override for their part).
   */
  database: z
    .object({
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
        .optional(),
      /** Schema that holds the tables (created when missing). */
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/)
        .default('public'),
      /** Connections per process. */
      poolSize: int(1, 1000).default(10),
    })
    .prefault({}),
  /** Collections store: SQLite durability and the in-memory vector index's format (see docs/benchmarks.md). */
  collections: z
    .object({
      /** FULL: a committed face survives power loss; NORMAL: survives a process crash only, faster writes. */
      synchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
      /** int8 (per-vector scale): 4× less memory, faster search, tiny score error; float32: exact. */
      vectorFormat: z.enum(['int8', 'float32']).default('int8'),
    })
    .prefault({}),
  /** Vectors on a Postgres deployment (collections/vector.factory.ts, docs/scale-out.md). */
  vectors: z
    .object({
      /** auto: pgvector when installed, else the in-memory index kept in step; pgvector: required; memory. */
      index: z.enum(['auto', 'pgvector', 'memory']).default('auto'),
      /** pgvector HNSW: candidates per query (recall vs latency), and build parameters. */
      hnswEfSearch: int(1, 1000).default(100),
      hnswM: int(2, 100).default(16),
      hnswEfConstruction: int(4, 1000).default(64),
      /** In-memory fallback: strict reads apply the change log first; notify reads rely on notifications + timer. */
      consistency: z.enum(['strict', 'notify']).default('strict'),
      syncPollMs: int(0, 3_600_000).default(5000),
    })
    .prefault({}),
  /** Objects on an S3-compatible service instead of <dataDir>/objects, when a bucket is set (docs/scale-out.md). */
  objectStore: z
    .object({
      /** e.g. http://minio:9000; unset for AWS S3. */
      endpoint: z.url().optional(),
      /** The one bucket; Facegate's buckets are key prefixes inside it. */
      bucket: z.string().min(3).max(63).optional(),
      region: z.string().min(1).default('us-east-1'),
      accessKeyId: z.string().min(1).optional(),
      secretAccessKey: z.string().min(1).optional(),
      /** Path-style URLs (MinIO and most self-hosted servers need it). */
      forcePathStyle: bool.default(false),
      /** Prepended to every key, to share the bucket with other data (e.g. "facegate/"). */
      prefix: z.string().default(''),
      /**
       * Storage quota of each user bucket (written through S3, the REST bucket API, pipelines), in bytes; 0 =
       * unlimited. An admin can set another per bucket (PUT /v1/buckets/{bucket}/quota).
       */
      bucketQuotaBytes: int(0, Number.MAX_SAFE_INTEGER).default(10 * 1024 * MB),
      /** Objects each user bucket may hold; 0 = unlimited. */
      bucketQuotaObjects: int(0, Number.MAX_SAFE_INTEGER).default(1_000_000),
    })
    .prefault({}),
  /** GET /metrics (Prometheus). With a token, scrapers must send it as a bearer token; without, the page is open. */
  metrics: z.object({ token: z.string().min(16).optional() }).prefault({}),
  /** The REST API under /v1 (api/rest): API keys, bearer JWTs, quotas. Writes always need a principal. */
  rest: z
    .object({
      /** When true, GET routes under /v1 answer without a key; writes still need one. */
      publicReads: bool.default(false),
      /** Requests per UTC day for a key created without its own quota (0 = unlimited). */
      defaultDailyQuota: int(0, 1_000_000_000).default(10_000),
      /** Token bucket per principal: steady rate (requests/second) and burst size. */
      ratePerSecond: z.coerce.number().positive().max(100_000).default(10),
      burst: int(1, 100_000).default(20),
      /** Bearer JWTs (a Cognito-style authorizer): issuer, and a JWKS URL or file; audience optional. */
      jwtIssuer: z.string().min(1).optional(),
      jwtJwksUrl: z.url().optional(),
      jwtJwksFile: z.string().min(1).optional(),
      jwtAudience: z.string().min(1).optional(),
    })
    .prefault({}),
  /** apps/verify and apps/proctor: collections they use and decision thresholds (similarity, 0–100). */
  apps: z
    .object({
      verifyCollection: z
        .string()
        .regex(/^[a-zA-Z0-9_.-]+$/)
        .default('people'),
      verifyThreshold: z.coerce.number().min(0).max(100).default(80),
      /**
       * 1:N identify's default threshold: a number, or `auto` for the people collection's size-aware level
       * (70 + 10·log10(faces), never below verifyThreshold, at most 95), which keeps a stranger's chance of being
       * accepted per search near 1e-3 as the gallery grows. Unset: verifyThreshold.
       */
      identifyThreshold: z.union([z.literal('auto'), z.coerce.number().min(0).max(100)]).optional(),
      proctorCollection: z
        .string()
        .regex(/^[a-zA-Z0-9_.-]+$/)
        .default('proctor'),
      proctorMinConfidence: z.coerce.number().min(0).max(100).default(85),
      proctorFaceMatchThreshold: z.coerce.number().min(0).max(100).default(85),
      /** Comma-separated label names that fail "Objects of Interest". */
      proctorObjectsOfInterest: z.string().default('Mobile Phone,Cell Phone'),
      /** Moderation labels at or above this confidence fail "Unsafe Content". */
      proctorModerationThreshold: z.coerce.number().min(0).max(100).default(85),
      /** Postgres for the REST API keys and their daily counts, shared by several instances (default: apps.sqlite). */
      keysDatabaseUrl: z.string().min(1).optional(),
    })
    .prefault({}),
  /** Durable background work: the pipeline's steps and notification deliveries. */
  jobs: z
    .object({
      /** sqlite: <dataDir>/jobs.db, in-process workers; postgres: pg-boss on jobs.databaseUrl. */
      driver: z.enum(['sqlite', 'postgres']).default('sqlite'),
      databaseUrl: z.string().optional(),
      /** Jobs of one kind run at most this many at a time per process. */
      concurrency: int(1, 64).default(2),
      pollMs: int(10, 60_000).default(250),
      /** A claimed job whose worker stops heart-beating for this long is taken over (crash recovery). */
      leaseMs: int(500, 3_600_000).default(30_000),
      maxAttempts: int(1, 100).default(5),
      /** First retry delay; doubles per attempt. */
      backoffMs: int(1, 3_600_000).default(1000),
    })
    .prefault({}),
  /** Notification channels. A channel with no settings is off, except SMS, which then lands in an outbox table. */
  notify: z
    .object({
      maxAttempts: int(1, 100).default(6),
      backoffMs: int(1, 3_600_000).default(2000),
      webhookTimeoutMs: int(100, 120_000).default(10_000),
      /** Webhooks to link-local addresses (169.254.0.0/16, fe80::/10: the cloud metadata service) are refused unless on. */
      webhookAllowLinkLocal: bool.default(false),
      smtp: z
        .object({
          host: z.string().optional(),
          port: int(1, 65535).default(587),
          secure: bool.default(false),
          user: z.string().optional(),
          password: z.string().optional(),
          from: z.string().default('facegate@localhost'),
        })
        .prefault({}),
      sms: z
        .object({
          /** Twilio-style: POST form (To, From, Body) with HTTP basic auth accountSid:authToken. */
          url: z.url().optional(),
          accountSid: z.string().optional(),
          authToken: z.string().optional(),
          from: z.string().optional(),
        })
        .prefault({}),
      mqtt: z
        .object({
          url: z.string().optional(),
          /** Retained messages let Home Assistant show the last event after a restart. */
          retain: bool.default(true),
        })
        .prefault({}),
      sns: z
        .object({
          endpoint: z.string().optional(),
          region: z.string().default('us-east-1'),
          accessKeyId: z.string().optional(),
          secretAccessKey: z.string().optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  /** What the AWS-compatible endpoints report and accept: account id in ARNs, STS session lengths, the S3 port. */
  aws: z
    .object({
      /** 12 digits; ARNs use it with the region the client signed for. */
      accountId: z
        .string()
        .regex(/^\d{12}$/, '12 digits')
        .default('000000000000'),
      /** FaceModelVersion on the wire (a number, as AWS's "7.0"); the model's name is in x-facegate-face-model. */
      faceModelVersion: z
        .string()
        .regex(/^\d+(\.\d+)*$/, 'a version number such as 7.0')
        .default('7.0'),
      /** Longest temporary credentials STS issues (seconds); GetSessionToken defaults to 12 h, AssumeRole to 1 h. */
      stsMaxDurationSeconds: int(900, 129_600).default(129_600),
    })
    .prefault({}),
  /** The S3-compatible endpoint (api/s3) over the object store. */
  s3: z
    .object({
      /** Its own port, as MinIO's; 0 turns it off. */
      port: int(0, 65535).default(9000),
      /** Largest object it stores (bytes). Rekognition's Image.S3Object still refuses objects over images.maxObjectBytes. */
      maxObjectBytes: int(1024, 5 * 1024 * MB).default(64 * MB),
      /** Host names whose sub-domains are virtual-hosted bucket names (bucket.localhost:9000), comma-separated. */
      domains: z.string().default('localhost'),
      /** Buckets the apps keep their own files in: readable through S3, never writable. Comma-separated. */
      readOnlyBuckets: z.string().default('people,uploads'),
    })
    .prefault({}),
  /** The smart door (apps/door): passcodes, approval links, lock-out, the doors themselves (config file `door.doors`). */
  door: z
    .object({
      /** HMAC key of passcode hashes and approval links (≥ 32 chars); default: generated once, kept in the database. */
      secret: z.string().min(32).optional(),
      /** Base URL of the links in SMS and e-mail (approval page, door page); default FACEGATE_PUBLIC_URL, else
       * http://localhost:<port>. */
      publicUrl: z.url().optional(),
      passcodeTtlSeconds: int(30, 86_400).default(300),
      approvalTtlSeconds: int(60, 30 * 86_400).default(86_400),
      /** Failed passcodes from one address at one door before a lock-out; then lockoutSeconds, doubling per failure. */
      maxFailures: int(1, 1000).default(5),
      /** Failed passcodes at one door from all addresses before the door itself locks out. */
      doorMaxFailures: int(1, 100_000).default(50),
      lockoutSeconds: int(1, 86_400).default(30),
      maxLockoutSeconds: int(1, 7 * 86_400).default(3600),
      /** A denied stranger does not page the owner again for this long. */
      denyCooldownSeconds: int(0, 30 * 86_400).default(3600),
      /** Postgres for the door's tables (default: the deployment's database, FACEGATE_DATABASE_URL or SQLite). */
      databaseUrl: z.string().min(1).optional(),
      databaseSchema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/)
        .default('public'),
      /** After an unlock, the door's lock entity shows "unlocked" this long, then "locked" again. */
      relockSeconds: int(1, 3600).default(10),
      /** Doors from the config file; each is validated again by apps/door at start-up. */
      doors: z.array(z.looseObject({ id: z.string().min(1) })).default([]),
    })
    .prefault({}),
  /** Biometric governance (governance/): audit log, consent, retention, encryption at rest. See docs/privacy.md. */
  governance: z
    .object({
      /** Postgres for the audit log and consent records (default: the embedded database). */
      databaseUrl: z.string().min(1).optional(),
      /** Postgres schema of those tables. */
      databaseSchema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/)
        .default('public'),
      /** Audit entries older than this leave the log (days; 0 = kept until purged by hand). */
      auditRetentionDays: int(0, 36_500).default(365),
      /** Comma-separated collection ids that index only people with a consent record ('*': every collection). */
      consentRequired: z.string().default(''),
      /** Comma-separated collection ids that keep descriptors and boxes only, no image or thumbnail ('*': all). */
      descriptorOnly: z.string().default(''),
      /** Encryption at rest of photos and thumbnails: base64 of 32 random bytes (`openssl rand -base64 32`). */
      masterKey: z.string().min(1).optional(),
      /** …or a file holding it (preferred: keeps the key out of the environment). */
      masterKeyFile: z.string().min(1).optional(),
      /** Retention schedules (JSON): { default, collections: {id: …}, pipelines: {name: …}, everyMinutes }. */
      retention: retentionSchema.prefault({}),
      /**
       * Postgres, after an erasure or a purge: tables up to this size (MB, with indexes) are rewritten (VACUUM FULL,
       * locking each briefly) so their files keep no erased row; larger ones are vacuumed in place. 0: never rewrite.
       */
      erasureRewriteMaxMb: int(0, 1_000_000).default(64),
    })
    .prefault({}),
  /** Upload pipelines, from the config file; each is validated again by apps/pipeline at start-up. */
  pipelines: z.array(z.looseObject({ name: z.string().min(1) })).default([]),
  /** Pipelines defined through the API may watch directories inside this one only; unset = the config file only. */
  pipelineWatchRoot: z.string().min(1).optional(),
  /** Cameras (src/streams): ffmpeg, reconnects; cameras from the config file, validated again by streams at start. */
  streams: z
    .object({
      /** The ffmpeg executable that decodes RTSP, HTTP MJPEG and video files. */
      ffmpegPath: z.string().min(1).default('ffmpeg'),
      /** A source that sends no frame for this long has failed and is reconnected (ms). */
      stallMs: int(1000, 600_000).default(15_000),
      /** Reconnect backoff: first delay, doubling up to the max (ms). */
      reconnectMs: int(50, 600_000).default(1000),
      maxReconnectMs: int(50, 3_600_000).default(30_000),
      /** Postgres for camera definitions and the visit log, shared by several instances (default: apps.sqlite). */
      databaseUrl: z.string().min(1).optional(),
      /**
       * On Postgres, how often each process re-reads the camera definitions and stream processors (changes made
       * through other processes) and takes cameras no process runs (ms).
       */
      syncMs: int(200, 600_000).default(5000),
      /** Home Assistant MQTT discovery for cameras (needs notify.mqtt.url). */
      homeAssistant: bool.default(true),
      discoveryPrefix: z.string().min(1).default('homeassistant'),
      /** Base URL put in snapshot links sent over MQTT (e.g. http://facegate.local:8080); relative when absent. */
      publicUrl: z.url().optional(),
      /** Stream processor outputs: Kinesis Data Stream name → webhook URL or MQTT topic (see docs/cameras.md). */
      targets: z.array(z.looseObject({ stream: z.string().min(1) })).default([]),
    })
    .prefault({}),
  cameras: z.array(z.looseObject({ id: z.string().min(1) })).default([]),
  /** How often watched directories are scanned (ms). */
  watchPollMs: int(50, 3_600_000).default(2000),
});

export type Config = z.infer<typeof configSchema>;
