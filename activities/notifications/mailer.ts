/**
 * E-mail transport. `Mailer` is what the activities need; `createSmtpMailer` is the real
 * one (nodemailer over SMTP_URL). Every failure comes out as a DeliveryError that says
 * whether retrying can help.
 */
import nodemailer from 'nodemailer';
import { DeliveryError } from './errors';

export interface TOutgoingEmail {
  /** The Message-ID header, angle brackets included; deterministic per message key. */
  messageId: string;
  from: string;
  to: { address: string; name?: string | undefined };
  subject: string;
  text: string;
  html?: string | undefined;
}

export interface Mailer {
  /** Resolves once the server has accepted the message; rejects with a DeliveryError. */
  send(mail: TOutgoingEmail): Promise<{ providerMessageId: string }>;
  close(): void;
}

export interface TSmtpOptions {
  /** smtp:// or smtps:// URL; nodemailer options may ride along as query parameters (e.g. ?pool=true). */
  url: string;
  /** Socket timeouts, kept well below the activity's start-to-close timeout. */
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
}

const TEMPORARY_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROXY',
  'EMAXLIMIT',
]);
/** Client-side refusals that no retry can change (bad address, oversized message, bad config). */
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS', 'ECONFIG', 'EREQUIRETLS']);

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/** SMTP 5xx or an invalid envelope: permanent. 4xx, connection trouble, timeouts: temporary. */
export function classifySmtpError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err instanceof Error ? err : new Error(String(err))) as NodemailerError;
  const message = e.message.slice(0, 1000);
  if (typeof e.responseCode === 'number') {
    return new DeliveryError(message, e.responseCode >= 500, e.responseCode);
  }
  if (e.code && PERMANENT_CODES.has(e.code)) return new DeliveryError(message, true, e.code);
  if (e.code && TEMPORARY_CODES.has(e.code)) return new DeliveryError(message, false, e.code);
  // Unknown: assume the world may change (EAUTH is a config fix away, for instance).
  return new DeliveryError(message, false, e.code);
}

export function createSmtpMailer(opts: TSmtpOptions): Mailer {
  const transport = nodemailer.createTransport({
    url: opts.url,
    connectionTimeout: opts.connectionTimeoutMs ?? 10_000,
    greetingTimeout: opts.connectionTimeoutMs ?? 10_000,
    socketTimeout: opts.socketTimeoutMs ?? 20_000,
  });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          messageId: mail.messageId,
          from: mail.from,
          to: mail.to.name ? { name: mail.to.name, address: mail.to.address } : mail.to.address,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html !== undefined ? { html: mail.html } : {}),
        });
        // A single recipient: if the server did not take it, sendMail has already thrown.
        return { providerMessageId: info.messageId || mail.messageId };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close() {
      transport.close();
    },
  };
}

/** A pragmatic syntax check; the SMTP server has the last word. */
export function isPlausibleEmail(address: string): boolean {
  return (
    address.length <= 254 &&
    /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(
      address,
    )
  );
}
