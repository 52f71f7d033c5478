/**
 * Verifying a webhook delivery by its Standard Webhooks headers (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`): HMAC-SHA256 over `id.timestamp.body` with the
 * registration secret taken as raw bytes (one per character), base64, `v1,` prefixed; during
 * a secret rotation the header carries two signatures and either one is enough.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
}

/** The body of every delivery (and of every GET /v1/events item). */
export interface WebhookEvent {
  id: string;
  type: string;
  occurredAt: string;
  applicationId: string | null;
  data: Record<string, unknown>;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : bag[key];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The verified event, or a WebhookVerificationError. Pass the raw body exactly as received
 * (before any JSON parsing). `toleranceSeconds` (300) bounds the replay window.
 */
export function verifyWebhook(
  secret: string,
  headers: HeaderBag,
  rawBody: string | Uint8Array,
  opts: { toleranceSeconds?: number; now?: Date } = {},
): WebhookEvent {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing webhook-id, webhook-timestamp or webhook-signature');
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('webhook-timestamp is not unix seconds');
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - Number(timestamp)) > (opts.toleranceSeconds ?? 300)) throw new WebhookVerificationError('webhook-timestamp is outside the tolerance');
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const expected = createHmac('sha256', Buffer.from(secret, 'latin1')).update(`${id}.${timestamp}.`, 'utf8').update(body).digest();
  const ok = signatures.split(' ').some((s) => {
    const [version, b64] = s.split(',', 2);
    if (version !== 'v1' || !b64) return false;
    const given = Buffer.from(b64, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw new WebhookVerificationError('no matching signature');
  return JSON.parse(body.toString('utf8')) as WebhookEvent;
}
