// The lockout keys: what a failure counts against is the client's network (an IPv6 address by its /64) together with
// the session's creator, and the page's device id only as an extra key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientNetwork, lockoutKeys } from '../../../src/liveness/liveness.lockout.ts';

test('IPv4 addresses are kept whole, IPv4-mapped IPv6 is IPv4, IPv6 is its /64', () => {
  assert.equal(clientNetwork('203.0.113.7'), '203.0.113.7');
  assert.equal(clientNetwork('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(clientNetwork('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(clientNetwork('2001:0db8:0001:0002:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(clientNetwork('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(clientNetwork('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(clientNetwork('::1'), '0:0:0:0::/64');
  assert.equal(clientNetwork('2001:db8:1:2::'), '2001:db8:1:2::/64');
  assert.equal(clientNetwork('::ffff:0:203.0.113.7'), '0:0:0:0::/64');
});

test('the keys pair the network with the creator; a device id adds a key, it never replaces the network', () => {
  assert.deepEqual(lockoutKeys('sigv4:AKID', { address: '2001:db8:1:2::5' }), ['net:sigv4:AKID:2001:db8:1:2::/64']);
  assert.deepEqual(lockoutKeys('key:k1', { address: '203.0.113.7', device: 'abcdef0123' }), [
    'net:key:k1:203.0.113.7',
    'device:key:k1:abcdef0123',
  ]);
  // Two hosts of one /64 share a key; two creators do not.
  assert.deepEqual(
    lockoutKeys('a', { address: '2001:db8:1:2::5' }),
    lockoutKeys('a', { address: '2001:db8:1:2:ffff::9' }),
  );
  assert.notDeepEqual(lockoutKeys('a', { address: '203.0.113.7' }), lockoutKeys('b', { address: '203.0.113.7' }));
});
