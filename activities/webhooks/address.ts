/**
 * SSRF protection for webhook endpoints: a host is resolved once, every address it
 * resolves to is checked (shared/networks.ts), and the connection is made to the checked
 * address (the agent's `lookup` answers only that one), so a DNS answer that changes
 * between the check and the connection (rebinding) cannot redirect the POST.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { promisify } from 'node:util';
import { Agent } from 'undici';
import { refusedRange, type TCidr } from '../../shared/networks';
import { WebhookAddressRefusedError } from './errors';

const lookupAll = promisify(dnsLookup) as unknown as (host: string, opts: { all: true; verbatim: true }) => Promise<LookupAddress[]>;

/** The host has no address now (a delivery fails and is retried; a registration is not refused for it). */
export class WebhookHostUnresolvedError extends Error {
  override name = 'WebhookHostUnresolvedError';
}

export interface TCheckedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * The host of `url` resolved and checked; throws WebhookAddressRefusedError naming the
 * address and its range, or WebhookHostUnresolvedError.
 */
export async function checkWebhookUrl(url: string, allowed: readonly TCidr[]): Promise<TCheckedAddress> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(host, { all: true, verbatim: true });
  } catch (err) {
    throw new WebhookHostUnresolvedError(`dns_failed: ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'DNS error'})`);
  }
  if (!addresses.length) throw new WebhookHostUnresolvedError(`dns_failed: ${host} does not resolve`);
  for (const a of addresses) {
    const why = refusedRange(a.address, allowed);
    if (why) {
      const via = a.address === host ? host : `${host} resolves to ${a.address}`;
      throw new WebhookAddressRefusedError(`${via}, a ${why} address; WEBHOOK_ALLOWED_NETWORKS does not list it`);
    }
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

type TLookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** An HTTP agent that connects only to `checked`, whatever name the URL carries (TLS still verifies that name). */
export function pinnedAgent(checked: TCheckedAddress): Agent {
  const lookup = (_host: string, options: { all?: boolean }, callback: TLookupCallback) => {
    if (options.all) callback(null, [{ address: checked.address, family: checked.family }]);
    else callback(null, checked.address, checked.family);
  };
  return new Agent({ connect: { lookup }, connections: 1, pipelining: 0 });
}
