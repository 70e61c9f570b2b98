// Webhook targets may not be link-local or cloud-metadata addresses (by literal, by name, or by what a name resolves
// to) unless the config allows them; loopback and private receivers stay allowed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertWebhookTarget, isLinkLocal } from '../../src/notify/webhook.target.ts';
import { FacegateError } from '../../src/errors.ts';

const refused = (p: Promise<unknown>) =>
  assert.rejects(p, (e: unknown) => e instanceof FacegateError && /link-local or metadata/.test(e.message));

describe('webhook targets', () => {
  test('link-local addresses, in every spelling, are link-local; others are not', () => {
    for (const a of [
      '169.254.169.254',
      '169.254.0.1',
      'fe80::1',
      '[fe80::1]',
      'fd00:ec2::254',
      '::ffff:169.254.169.254',
    ])
      assert.ok(isLinkLocal(a), a);
    for (const a of ['127.0.0.1', '10.0.0.5', '192.168.1.2', '::1', '8.8.8.8', 'example.com'])
      assert.ok(!isLinkLocal(a), a);
  });

  test('metadata literals, names and names resolving to link-local are refused; allowed by config', async () => {
    await refused(assertWebhookTarget('http://169.254.169.254/latest/meta-data/', false));
    await refused(assertWebhookTarget('http://[fd00:ec2::254]/', false));
    await refused(assertWebhookTarget('http://metadata.google.internal/computeMetadata/v1/', false));
    await refused(
      assertWebhookTarget('https://sneaky.example/', false, async () => ['93.184.216.34', '169.254.169.254']),
    );
    await assertWebhookTarget('http://169.254.169.254/', true);
  });

  test('loopback, private and public receivers are allowed', async () => {
    await assertWebhookTarget('http://127.0.0.1:8080/hook', false);
    await assertWebhookTarget('http://10.1.2.3/hook', false);
    await assertWebhookTarget('https://hooks.example/x', false, async () => ['93.184.216.34']);
  });
});
