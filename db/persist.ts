/**
 * The write that records what the outside world already took (an e-mail the SMTP server
 * accepted, a webhook the receiver answered 2xx). Losing it means a second copy later,
 * so it is retried through a database outage, but only while this attempt still holds
 * its lease: once the lease has run out another attempt may deliver, and a late write
 * would then only race it.
 */
import { performance } from 'node:perf_hooks';
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries `write` with backoff (0.1 s doubling to 1 s) until it succeeds or `deadline` (performance.now() ms) passes. */
export async function persistUntil<T>(write: () => Promise<T>, deadline: number): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await write();
    } catch (err) {
      const wait = Math.min(100 * 2 ** i, 1_000);
      if (performance.now() + wait > deadline) throw err;
      await sleep(wait);
    }
  }
}

/** Margin kept between the last retry of the write and the end of the lease. */
export const LEASE_MARGIN_MS = 5_000;

/** The deadline for persistUntil for an attempt that took its lease at `claimedAt` (performance.now() ms). */
export function writeDeadline(claimedAt: number, leaseMs: number): number {
  return claimedAt + Math.max(leaseMs - LEASE_MARGIN_MS, leaseMs / 2);
}

/**
 * How long until the lease in `lockedUntil` runs out, by the database's clock (which set
 * it); null when no lease is held. For a retry that should come back exactly then.
 */
export const leaseLeftMs = (lockedUntil: AnyColumn): SQL<number | null> =>
  sql<number | null>`case when ${lockedUntil} > now() then ceil(extract(epoch from (${lockedUntil} - now())) * 1000)::int end`;

/** Past the end of a lease, so the retry finds it free: the clocks of the two checks differ a little. */
export const AFTER_LEASE_MS = 500;
