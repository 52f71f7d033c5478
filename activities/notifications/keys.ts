/**
 * Deterministic message keys. The same (workflow, purpose, version, channel) always gives
 * the same key, so a retried or replayed activity finds the message it already sent.
 *
 * NOTE for workflow code: this file is pure, but workflows may import only activity
 * types; copy or move `messageKey` to domain/ if a workflow needs to build keys itself.
 */
import { createHash } from 'node:crypto';

export function messageKey(
  workflowId: string,
  purpose: string,
  version: number | string,
  channel: 'email' | 'sms',
): string {
  return `${workflowId}:${purpose}:v${version}:${channel}`;
}

/** The domain of a From address like `Hiring <hiring@example.com>`. */
export function mailDomain(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return m?.[1] ?? 'localhost';
}

/**
 * A Message-ID derived from the key: a re-send after a crash carries the same id, so
 * relays and mail clients that deduplicate by Message-ID drop the second copy.
 */
export function smtpMessageId(key: string, from: string): string {
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `<${digest}@${mailDomain(from)}>`;
}
