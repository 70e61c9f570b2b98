// The AWS CLI (botocore's own SigV4 signer and JSON protocol, independent of the JS SDK) against Facegate.
// Skipped, saying so, where the `aws` command is not installed.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { stubEngine } from './stub.engine.ts';
import { KEY, startServer, type Harness } from './rekognition.harness.ts';

const hasCli = spawnSync('aws', ['--version'], { encoding: 'utf8', timeout: 60_000 }).status === 0;
let h: Harness | undefined;
before(async () => {
  if (hasCli) h = await startServer({ overrides: { engine: stubEngine } });
});
after(() => h?.close());

/** Runs the CLI asynchronously: the server lives in this process, so the event loop must stay free. */
function aws(args: string[], secret = KEY.secretAccessKey): Promise<{ status: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['rekognition', ...args, '--endpoint-url', h!.url, '--output', 'json'],
      {
        encoding: 'utf8',
        timeout: 120_000,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: KEY.accessKeyId,
          AWS_SECRET_ACCESS_KEY: secret,
          AWS_DEFAULT_REGION: 'ap-southeast-2',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_PAGER: '',
          AWS_MAX_ATTEMPTS: '1',
        },
      },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, out: stdout, err: stderr });
      },
    );
  });
}

describe('the AWS CLI', { skip: hasCli ? false : 'the aws command is not installed' }, () => {
  test('creates and lists collections with its own signer', async () => {
    const created = await aws(['create-collection', '--collection-id', 'cli']);
    assert.equal(created.status, 0, created.err);
    assert.equal(JSON.parse(created.out).StatusCode, 200);
    const listed = await aws(['list-collections']);
    assert.deepEqual(JSON.parse(listed.out).CollectionIds, ['cli']);
  });

  test('reads our error types: ResourceNotFoundException, InvalidSignatureException', async () => {
    const missing = await aws(['describe-collection', '--collection-id', 'nope']);
    assert.notEqual(missing.status, 0);
    assert.match(missing.err, /\(ResourceNotFoundException\)/);
    const forged = await aws(['list-collections'], 'not-the-secret');
    assert.match(forged.err, /\(InvalidSignatureException\)/);
  });
});
