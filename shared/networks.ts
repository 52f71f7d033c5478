/**
 * Which addresses a webhook may be posted to (SSRF protection). Pure: no DNS here; the
 * caller resolves a host once, checks every address with `refusedRange`, and connects to
 * the checked address. `WEBHOOK_ALLOWED_NETWORKS` lists ranges let through anyway.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface TCidr {
  family: 'ipv4' | 'ipv6';
  network: string;
  prefix: number;
  /** As written, for messages. */
  text: string;
}

/** Ranges a webhook never reaches unless allowed: [cidr, why]. */
const REFUSED: ReadonlyArray<readonly [string, string]> = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fc00::/7', 'unique-local (private)'],
  ['fe80::/10', 'link-local'],
];

/** Parses `a.b.c.d/n` or `x:y::/n`; throws an Error saying what is wrong. */
export function parseCidr(text: string): TCidr {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  if (slash < 0) throw new Error(`"${text}" is not a CIDR range (expected address/prefix, e.g. 127.0.0.0/8)`);
  const network = trimmed.slice(0, slash);
  const prefixText = trimmed.slice(slash + 1);
  const family = isIPv4(network) ? 'ipv4' : isIPv6(network) ? 'ipv6' : undefined;
  if (!family) throw new Error(`"${text}": "${network}" is not an IPv4 or IPv6 address`);
  const max = family === 'ipv4' ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) throw new Error(`"${text}": the prefix must be 0-${max}`);
  return { family, network, prefix: Number(prefixText), text: trimmed };
}

/** A comma-separated list of CIDR ranges (empty or blank: none). */
export function parseCidrList(text: string | undefined): TCidr[] {
  if (!text?.trim()) return [];
  return text
    .split(',')
    .filter((part) => part.trim())
    .map(parseCidr);
}

/** `::ffff:1.2.3.4` and `::ffff:102:304` are IPv4 addresses in IPv6 clothing: checked as IPv4. */
export function normalizeAddress(address: string): { family: 'ipv4' | 'ipv6'; address: string } | undefined {
  const bare = address.replace(/^\[|\]$/g, '');
  if (isIPv4(bare)) return { family: 'ipv4', address: bare };
  if (!isIPv6(bare)) return undefined;
  const mapped = /^(?:0{0,4}:){1,5}ffff:(.+)$/i.exec(bare)?.[1];
  if (mapped) {
    if (isIPv4(mapped)) return { family: 'ipv4', address: mapped };
    const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(mapped);
    if (hex) {
      const hi = parseInt(hex[1]!, 16);
      const lo = parseInt(hex[2]!, 16);
      return { family: 'ipv4', address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}` };
    }
  }
  return { family: 'ipv6', address: bare };
}

function listOf(ranges: readonly TCidr[]): BlockList {
  const list = new BlockList();
  for (const r of ranges) list.addSubnet(r.network, r.prefix, r.family);
  return list;
}

const refusedLists = REFUSED.map(([cidr, why]) => ({ list: listOf([parseCidr(cidr)]), why, cidr }));

/**
 * Why a webhook may not be posted to `address`: e.g. "loopback (127.0.0.0/8)"; undefined
 * when it may (a public address, or one inside `allowed`). Not an IP address: refused.
 */
export function refusedRange(address: string, allowed: readonly TCidr[] = []): string | undefined {
  const ip = normalizeAddress(address);
  if (!ip) return 'not an IP address';
  if (allowed.length && listOf(allowed).check(ip.address, ip.family)) return undefined;
  const hit = refusedLists.find((r) => r.list.check(ip.address, ip.family));
  return hit ? `${hit.why} (${hit.cidr})` : undefined;
}
