// The configuration schema: every FACEGATE_* setting, its type, default and bounds. Parts of the system add their
// section here, so that one validation pass names every problem at start-up.
import { z } from 'zod';

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
  }),
  models: z.object({
    /** Where converted ONNX models are cached (default: <dataDir>/../.cache/models under the project). */
    cacheDir: z.string().optional(),
    /** Intra-op threads per ONNX Runtime session (0 = runtime default). */
    threads: int(0, 64).default(2),
    pack: z.string().default('default'),
  }),
});

export type Config = z.infer<typeof configSchema>;
