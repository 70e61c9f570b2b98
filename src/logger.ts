// Structured logs (pino). Library code takes a logger from its caller or uses `logger.child({ module })`.
// Secrets are redacted by path so that a stray log call cannot print them.
import { pino, type Logger } from 'pino';
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
];

export function createLogger(level: string = bootLogLevel()): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'facegate' } });
}

/** The process-wide root logger; modules take `logger.child({ module: 'name' })`. */
export const logger: Logger = createLogger();
export type { Logger };
