// Shared by the vision commands (detect, compare, labels): one engine per invocation, closed afterwards.
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../logger.ts';
import { createFaceEngine, type LocalFaceEngine } from '../vision/face.engine.ts';

export async function withEngine<T>(use: (engine: LocalFaceEngine) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const engine = await createFaceEngine(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel));
  try {
    return await use(engine);
  } finally {
    await engine.close();
  }
}

export const readImageFile = (path: string): Promise<Uint8Array> => readFile(path);

export const pct = (v: number): string => v.toFixed(1);
