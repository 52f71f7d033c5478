/**
 * SMS transport. `SmsProvider` is what the activities need; `createHttpSmsProvider` is the
 * real one: a POST of `{ to, text, reference }` with a bearer key, the way common SMS
 * gateways are called. `reference` (also sent as Idempotency-Key) is the message key, so
 * a gateway that deduplicates drops a re-send after a crash.
 */
import { DeliveryError } from './errors';

export interface TOutgoingSms {
  to: string;
  text: string;
  reference: string;
}

export interface SmsProvider {
  /** Resolves once the gateway has accepted the message; rejects with a DeliveryError. */
  send(sms: TOutgoingSms): Promise<{ providerMessageId: string | null }>;
}

export interface THttpSmsOptions {
  url: string;
  key: string;
  timeoutMs?: number;
  /** For tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** 4xx means the request itself is wrong, except 408 (timeout) and 429 (rate limit). */
export function isPermanentHttpStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export function createHttpSmsProvider(opts: THttpSmsOptions): SmsProvider {
  const doFetch = opts.fetch ?? fetch;
  return {
    async send(sms) {
      let res: Response;
      try {
        res = await doFetch(opts.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            authorization: `Bearer ${opts.key}`,
            'idempotency-key': sms.reference,
          },
          body: JSON.stringify({ to: sms.to, text: sms.text, reference: sms.reference }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        throw new DeliveryError(
          `SMS gateway unreachable: ${e.cause?.code ?? e.name}: ${e.message}`,
          false,
          e.cause?.code,
        );
      }
      const body = await res.text().catch(() => '');
      if (!res.ok) {
        throw new DeliveryError(
          `SMS gateway replied ${res.status}${body ? `: ${body.slice(0, 300)}` : ''}`,
          isPermanentHttpStatus(res.status),
          res.status,
        );
      }
      // Accepted. A reply without an id is still an acceptance: never resend because of it.
      let id: unknown;
      try {
        id = (JSON.parse(body) as { id?: unknown }).id;
      } catch {
        id = undefined;
      }
      return { providerMessageId: typeof id === 'string' || typeof id === 'number' ? String(id) : null };
    },
  };
}

/** E.164-like: optional +, 6 to 15 digits, common separators allowed. */
export function isPlausiblePhone(number: string): boolean {
  const digits = number.replace(/[\s().-]/g, '');
  return /^\+?\d{6,15}$/.test(digits);
}
