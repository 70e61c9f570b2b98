import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../helpers/sha256.helper.ts';
import type { KeyRing } from '../../src/auth/access.keys.ts';
import { awsUriEscape, verifySigV4, type SignedRequest } from '../../src/auth/sigv4.verifier.ts';
import { FacegateError, type ErrorCode } from '../../src/errors.ts';
import { issueSession } from '../../src/auth/session.tokens.ts';

const KEY = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const keys: KeyRing = {
  find: (id) => (id === KEY.accessKeyId ? KEY : undefined),
  ids: [KEY.accessKeyId],
  source: 'config',
};
const NOW = new Date('2026-11-21T06:30:00Z');
const opts = { service: 'rekognition', now: NOW, maxClockSkewSeconds: 900 };

interface SignInput {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
  signingDate?: Date;
  service?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Whether the signer adds x-amz-content-sha256 (the SDK's default); without it the server hashes the body. */
  applyChecksum?: boolean;
}

/** Signs with the AWS SDK's own signer and returns the request as our server would see it on the wire. */
async function signed(input: SignInput = {}): Promise<SignedRequest> {
  const signer = new SignatureV4({
    service: input.service ?? 'rekognition',
    region: input.region ?? 'eu-west-3',
    credentials: input.credentials ?? KEY,
    sha256: NodeSha256,
    applyChecksum: input.applyChecksum ?? true,
  });
  const body = input.body ?? '{"MaxResults":10}';
  const path = input.path ?? '/';
  const query = input.query ?? {};
  const request = await signer.sign(
    {
      method: input.method ?? 'POST',
      protocol: 'http:',
      hostname: 'localhost',
      port: 8080,
      path,
      query,
      headers: {
        host: 'localhost:8080',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'RekognitionService.ListCollections',
        ...input.headers,
      },
      body,
    },
    { signingDate: input.signingDate ?? NOW },
  );
  const qs = Object.entries(query)
    .map(([k, v]) => `${awsUriEscape(k)}=${awsUriEscape(v)}`)
    .join('&');
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: request.method, url: qs ? `${path}?${qs}` : path, headers, body: Buffer.from(body) };
}

function rejectsWith(req: SignedRequest, code: ErrorCode, message?: RegExp, o = opts): void {
  assert.throws(
    () => verifySigV4(req, keys, o),
    (e: unknown) => {
      assert.ok(e instanceof FacegateError, String(e));
      assert.equal(e.code, code, e.message);
      if (message) assert.match(e.message, message);
      return true;
    },
  );
}

describe('SigV4 verification', () => {
  test('accepts a request signed by the AWS SDK signer, in any region', async () => {
    for (const region of ['us-east-1', 'eu-west-3', 'facegate-local']) {
      const got = verifySigV4(await signed({ region }), keys, opts);
      assert.deepEqual(
        { accessKeyId: got.accessKeyId, region: got.region, principal: got.principal, temporary: got.temporary },
        { accessKeyId: 'AKIDEXAMPLE', region, principal: 'AKIDEXAMPLE', temporary: false },
      );
    }
  });

  test('matches the AWS SigV4 test suite vector get-vanilla', () => {
    // aws-sig-v4-test-suite/get-vanilla: GET / with Host and X-Amz-Date, service "service", us-east-1.
    const req: SignedRequest = {
      method: 'GET',
      url: '/',
      headers: {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
          'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      },
      body: new Uint8Array(),
    };
    const got = verifySigV4(req, keys, {
      service: 'service',
      now: new Date('2015-08-30T12:36:00Z'),
      maxClockSkewSeconds: 900,
    });
    assert.equal(got.accessKeyId, 'AKIDEXAMPLE');
  });

  test('canonicalises paths and query strings as the SDK signer does', async () => {
    const req = await signed({
      method: 'GET',
      path: '/v1/some%20path/./x/../y',
      query: { b: 'two words', a: 'x/y*z', 'A~b': '1' },
      body: '',
    });
    assert.doesNotThrow(() => verifySigV4(req, keys, opts));
  });

  test('rejects a body changed after signing with InvalidSignatureException', async () => {
    for (const applyChecksum of [true, false]) {
      const req = await signed({ applyChecksum });
      rejectsWith({ ...req, body: Buffer.from('{"MaxResults":11}') }, 'INVALID_SIGNATURE', /does not match/);
    }
  });

  test('verifies the payload hash itself when the client sends no x-amz-content-sha256', async () => {
    const req = await signed({ applyChecksum: false });
    assert.equal(req.headers['x-amz-content-sha256'], undefined);
    assert.doesNotThrow(() => verifySigV4(req, keys, opts));
  });

  test('rejects a signed header changed after signing', async () => {
    const req = await signed();
    rejectsWith(
      { ...req, headers: { ...req.headers, 'x-amz-target': 'RekognitionService.DeleteCollection' } },
      'INVALID_SIGNATURE',
    );
  });

  test('rejects a signature made with the wrong secret with InvalidSignatureException', async () => {
    const req = await signed({ credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: 'not-the-secret' } });
    rejectsWith(req, 'INVALID_SIGNATURE');
  });

  test('rejects an unknown access key with UnrecognizedClientException', async () => {
    const req = await signed({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: KEY.secretAccessKey } });
    rejectsWith(req, 'UNAUTHENTICATED', /security token included in the request is invalid/);
  });

  test('rejects a request signed more than 15 minutes ago with "Signature expired"', async () => {
    const req = await signed({ signingDate: new Date(NOW.getTime() - 16 * 60_000) });
    rejectsWith(
      req,
      'INVALID_SIGNATURE',
      /^Signature expired: 20261121T061400Z is now earlier than 20261121T061500Z \(20261121T063000Z - 15 min\.\)$/,
    );
  });

  test('rejects a request signed more than 15 minutes ahead with "Signature not yet current"', async () => {
    rejectsWith(
      await signed({ signingDate: new Date(NOW.getTime() + 16 * 60_000) }),
      'INVALID_SIGNATURE',
      /not yet current/,
    );
  });

  test('accepts a request signed within the allowed clock skew', async () => {
    const req = await signed({ signingDate: new Date(NOW.getTime() - 14 * 60_000) });
    assert.doesNotThrow(() => verifySigV4(req, keys, opts));
  });

  test('rejects a signature scoped to another service', async () => {
    rejectsWith(await signed({ service: 's3' }), 'INVALID_SIGNATURE', /scoped to correct service: 'rekognition'/);
  });

  test('rejects a request without Authorization as MissingAuthenticationTokenException', async () => {
    const req = await signed();
    const { authorization: _dropped, ...headers } = req.headers;
    rejectsWith({ ...req, headers }, 'MISSING_AUTHENTICATION', /missing Authentication Token/);
  });

  test('rejects malformed Authorization headers as IncompleteSignatureException', async () => {
    const req = await signed();
    for (const authorization of [
      'Basic dXNlcjpwYXNz',
      'AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00',
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121, SignedHeaders=host, Signature=00',
    ]) {
      rejectsWith({ ...req, headers: { ...req.headers, authorization } }, 'INCOMPLETE_SIGNATURE');
    }
  });

  test('rejects a declared payload hash that is not the hash of the body', async () => {
    const req = await signed({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    rejectsWith(req, 'INVALID_SIGNATURE', /x-amz-content-sha256/);
  });

  test('rejects a signature that does not sign the Host header', async () => {
    const req = await signed();
    const authorization = String(req.headers.authorization).replace(/SignedHeaders=[^,]+/, 'SignedHeaders=x-amz-date');
    rejectsWith({ ...req, headers: { ...req.headers, authorization } }, 'INVALID_SIGNATURE', /Host/);
  });

  test('required signed headers (Rekognition: X-Amz-Target, so no replay as another operation) are enforced', async () => {
    const req = await signed();
    const auth = String(req.headers.authorization);
    const rekOpts = { ...opts, requiredSignedHeaders: ['x-amz-target', 'content-type'] };
    assert.doesNotThrow(() => verifySigV4(req, keys, rekOpts));
    for (const dropped of ['x-amz-target', 'content-type', 'x-amz-date']) {
      const signedHeaders = /SignedHeaders=([^,]+)/
        .exec(auth)![1]!
        .split(';')
        .filter((h) => h !== dropped)
        .join(';');
      const forged = {
        ...req,
        headers: {
          ...req.headers,
          authorization: auth.replace(/SignedHeaders=[^,]+/, `SignedHeaders=${signedHeaders}`),
        },
      };
      rejectsWith(forged, 'INVALID_SIGNATURE', new RegExp(`'${dropped}' must be a signed header`), rekOpts);
    }
  });

  test('temporary credentials: accepted with their session token, refused when forged, mismatched or expired', async () => {
    const session = issueSession(KEY, 900, NOW);
    const creds = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey };
    const withToken = (token: string) => signed({ credentials: creds, headers: { 'x-amz-security-token': token } });
    const got = verifySigV4(await withToken(session.sessionToken), keys, opts);
    assert.equal(got.temporary, true);
    assert.equal(got.principal, KEY.accessKeyId);
    // A token whose payload was edited (a longer expiry) no longer matches its MAC.
    const [prefix, payload, mac] = session.sessionToken.split('.') as [string, string, string];
    const edited = JSON.parse(Buffer.from(payload, 'base64url').toString());
    edited.e += 86_400;
    const forged = `${prefix}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${mac}`;
    rejectsWith(await withToken(forged), 'UNAUTHENTICATED', /security token included in the request is invalid/);
    rejectsWith(await withToken(issueSession(KEY, 900, NOW).sessionToken), 'UNAUTHENTICATED');
    rejectsWith(await signed({ credentials: creds }), 'UNAUTHENTICATED');
    rejectsWith(await withToken(session.sessionToken), 'EXPIRED_TOKEN', /expired/, {
      ...opts,
      now: new Date(NOW.getTime() + 901_000),
    });
  });
});
