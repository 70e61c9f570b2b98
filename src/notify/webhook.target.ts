// Where a webhook may point. Loopback and private networks are ordinary receivers on a self-hosted install; link-local
// addresses are not: 169.254.169.254 (and fd00:ec2::254) is the cloud metadata service, which hands out the host's
// credentials to whoever can make it send a request. Refused unless the operator allows them in the config.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { FacegateError } from '../errors.ts';

const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

/** True for IPv4 169.254/16, IPv6 fe80::/10, the EC2 IPv6 metadata address, and IPv4-mapped forms of them. */
export function isLinkLocal(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return isLinkLocal(mapped[1]!);
  if (isIP(a) === 4) return a.startsWith('169.254.');
  if (isIP(a) === 6) return /^fe[89ab][0-9a-f]:/.test(a) || a === 'fd00:ec2::254';
  return false;
}

export type Resolve = (host: string) => Promise<string[]>;
const resolveAll: Resolve = async (host) => (await lookup(host, { all: true })).map((r) => r.address);

/**
 * Refuses a target whose host is, or resolves to, a link-local or metadata address (unless `allowLinkLocal`).
 * Checked when a subscription is made and again before every delivery, since DNS answers change.
 */
export async function assertWebhookTarget(
  target: string,
  allowLinkLocal: boolean,
  resolve = resolveAll,
): Promise<void> {
  if (allowLinkLocal) return;
  let host: string;
  try {
    host = new URL(target).hostname.toLowerCase();
  } catch {
    throw new FacegateError('INVALID_PARAMETER', 'A webhook target must be an http(s) URL');
  }
  const refuse = () =>
    new FacegateError('INVALID_PARAMETER', `Webhook target ${host} is a link-local or metadata address`);
  if (METADATA_NAMES.has(host) || isLinkLocal(host)) throw refuse();
  if (isIP(host.replace(/^\[|\]$/g, ''))) return;
  const addresses = await resolve(host).catch(() => [] as string[]);
  if (addresses.some(isLinkLocal)) throw refuse();
}
