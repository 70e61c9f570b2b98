// `facegate serve`: loads the config, builds the services and the HTTP server, prints how to reach it, and shuts down
// cleanly on SIGINT/SIGTERM (stop accepting, finish in-flight requests, close the services).
import type { Command } from 'commander';
import { createContainer } from '../app/container.ts';
import { holdDataDir } from '../app/datadir.lock.ts';
import { dataDirState, rolePlan } from '../app/deployment.ts';
import { loadKeyRing, credentialsPath, type KeyRing } from '../auth/access.keys.ts';
import { loadConfig, ConfigError } from '../config/config.ts';
import { createLogger } from '../logger.ts';
import { buildApp } from '../server/app.ts';
import { s3App } from '../api/s3/s3.composition.ts';

interface ServeFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  role?: string;
  s3Port?: string;
  auth: boolean;
}

function banner(url: string, keys: KeyRing | undefined, dataDir: string): string {
  const lines = [
    `Facegate is listening on ${url}`,
    `  Rekognition API: new RekognitionClient({ endpoint: '${url}', region: 'us-east-1' }) (any region works)`,
    `  health: ${url}/healthz   readiness (models loaded): ${url}/readyz`,
    `  console: ${url}/   REST API: ${url}/v1/docs (API keys: facegate keys create --name me --admin)`,
  ];
  if (!keys) {
    lines.push('', '  !!! AUTHENTICATION IS DISABLED (--no-auth): anyone who can reach this port can use the API. !!!');
    return lines.join('\n');
  }
  lines.push(`  sign requests (SigV4) with access key id: ${keys.ids.join(', ')} (keys from: ${keys.source})`);
  if (keys.generated) {
    lines.push(
      '',
      '  A key pair was generated for this data directory. The secret is shown only this once:',
      `    AWS_ACCESS_KEY_ID=${keys.generated.accessKeyId}`,
      `    AWS_SECRET_ACCESS_KEY=${keys.generated.secretAccessKey}`,
      `  (kept in ${credentialsPath(dataDir)}, mode 0600)`,
    );
  }
  return lines.join('\n');
}

async function serve(flags: ServeFlags): Promise<void> {
  const server: Record<string, string> = {};
  if (flags.port) server.port = flags.port;
  if (flags.host) server.host = flags.host;
  if (flags.role) server.role = flags.role;
  const auth: Record<string, string> = flags.auth ? {} : { disabled: 'true' };
  const overrides = {
    server,
    auth,
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
    ...(flags.s3Port ? { s3: { port: flags.s3Port } } : {}),
  };
  let config;
  try {
    config = loadConfig(process.env, overrides);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  // One owner per data directory while state lives there (the embedded default); none once it all lives in
  // Postgres and the object store, so any number of api/worker processes can start.
  const local = dataDirState(config);
  if (local.length) {
    let release: () => void;
    try {
      release = holdDataDir(config.dataDir);
    } catch (e) {
      console.error(`${(e as Error).message}\n(the data directory holds ${local.join(', ')})`);
      process.exit(2);
    }
    process.on('exit', () => release());
  }
  const container = createContainer(config, logger);
  const keys = config.auth.disabled ? undefined : loadKeyRing(config.auth, config.dataDir);
  const app = await buildApp(container, keys ? { keys } : { noAuth: true });
  // The S3 endpoint on its own port (0 = off); it waits for the object store, which loads at once.
  const s3 = config.s3.port === 0 ? undefined : await s3App(container, keys);

  // Handlers go in before listening, so a signal at any point after start-up shuts down cleanly.
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await app.close();
      await s3?.close();
      await container.close();
      process.exit(0);
    } catch (e) {
      logger.error({ err: e }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const address = await app.listen({ port: config.server.port, host: config.server.host });
  const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  const role = config.server.role;
  console.log(
    rolePlan(role).http === 'health'
      ? `Facegate worker is running (jobs and deliveries); health: ${url}/healthz   readiness: ${url}/readyz`
      : banner(url, keys, config.dataDir) + (role === 'api' ? '\n  role: api (no job workers in this process)' : ''),
  );
  if (s3 && rolePlan(role).http !== 'health') {
    const s3Address = await s3.listen({ port: config.s3.port, host: config.server.host });
    const s3Url = s3Address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    console.log(`  S3 API: ${s3Url} (aws s3 --endpoint-url ${s3Url} ls; same keys; STS on ${url})`);
  }
  if (!keys) logger.warn('authentication is disabled (--no-auth)');
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the Rekognition-compatible API, the REST API and the console')
    .option('-p, --port <port>', 'HTTP port (default 8080, FACEGATE_PORT)')
    .option('--host <host>', 'bind address (default 0.0.0.0, FACEGATE_HOST)')
    .option('--data-dir <dir>', 'data directory (default ./data, FACEGATE_DATA_DIR)')
    .option(
      '--role <role>',
      'api (HTTP, no job workers), worker (jobs, health endpoints only) or all (default, FACEGATE_ROLE)',
    )
    .option('--s3-port <port>', 'S3-compatible endpoint port (default 9000, FACEGATE_S3_PORT; 0 = off)')
    .option('--no-auth', 'accept unsigned requests (development only; prints a warning)')
    .action((flags: ServeFlags) => serve(flags));
}
