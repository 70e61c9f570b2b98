// Structured logs (pino). Library code takes a logger from its caller or uses `logger.child({ module })`.
// Secrets are redacted by path so that a stray log call cannot print them.
import { pino, type DestinationStream, type Logger } from 'pino';
import { bootLogLevel } from './config/config.ts';

const REDACT = [
  'secret',
  '*.secret',
  'secretAccessKey',
  '*.secretAccessKey',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'token',
  '*.token',
  // Personal data of registered people: never in logs, whatever module logs a person or a request body.
  'email',
  '*.email',
  'phone',
  '*.phone',
  'fullName',
  '*.fullName',
];

/** `destination` defaults to stdout (tests pass a stream to read what was logged). */
export function createLogger(level: string = bootLogLevel(), destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'facegate' } };
  return destination ? pino(options, destination) : pino(options);
}

/** The process-wide root logger; modules take `logger.child({ module: 'name' })`. */
export const logger: Logger = createLogger();
export type { Logger };
