/**
 * Reading the message log and recording opens: queries for the API (the workflow's
 * activities write the log).
 */
import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import type { DbHandle } from '../client';
import {
  messages,
  type TMessageChannel,
  type TMessageStatus,
  type TRecipientKind,
} from '../schema/messages';
import { PIXEL_PURPOSE, verifyToken } from '../../shared/links';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TMessageLogEntry {
  id: string;
  key: string;
  channel: TMessageChannel;
  template: string;
  purpose: string;
  locale: string;
  recipient: string;
  recipientKind: TRecipientKind;
  recipientUserId: string | null;
  subject: string | null;
  status: TMessageStatus;
  delivered: boolean;
  providerMessageId: string | null;
  error: string | null;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
  openedAt: string | null;
  /** Only with includeBodies: bodies carry signed links (offer, pixel), keep them from casual readers. */
  bodyText?: string;
  bodyHtml?: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Every message of an application, oldest first (index messages_application_created_idx). */
export async function listMessages(
  { db }: Pick<DbHandle, 'db'>,
  applicationId: string,
  opts: { includeBodies?: boolean } = {},
): Promise<TMessageLogEntry[]> {
  if (!UUID_RE.test(applicationId)) return [];
  const rows = await db
    .select()
    .from(messages)
    .where(eq(messages.applicationId, applicationId))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    channel: r.channel,
    template: r.template,
    purpose: r.purpose,
    locale: r.locale,
    recipient: r.recipient,
    recipientKind: r.recipientKind,
    recipientUserId: r.recipientUserId,
    subject: r.subject,
    status: r.status,
    delivered: r.delivered,
    providerMessageId: r.providerMessageId,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.createdAt.toISOString(),
    sentAt: iso(r.sentAt),
    openedAt: iso(r.openedAt),
    ...(opts.includeBodies ? { bodyText: r.bodyText, bodyHtml: r.bodyHtml } : {}),
  }));
}

export interface TOpenResult {
  messageId: string;
  applicationId: string | null;
  template: string;
  purpose: string;
  /** true only for the open that changed the row. */
  firstOpen: boolean;
  /** When the open was first recorded. */
  openedAt: Date;
  /** Whether the workflow has been told (see messages.open_signalled_at); the API signals it while not. */
  signalled: boolean;
}

/**
 * Records an open from the pixel's signed token. The first open sets status 'opened'
 * and opened_at; later opens change nothing. Null for a bad, tampered or foreign token,
 * an unknown message, or a failed one (never marked opened).
 */
export async function markOpenedByToken(
  { db: { db }, config, now }: { db: DbHandle; config: { linkSigningSecret?: string | undefined }; now: () => Date },
  token: string,
): Promise<TOpenResult | null> {
  const payload = verifyToken(config.linkSigningSecret, token, PIXEL_PURPOSE, now());
  if (!payload || !UUID_RE.test(payload.sub)) return null;
  const cols = {
    messageId: messages.id,
    applicationId: messages.applicationId,
    template: messages.template,
    purpose: messages.purpose,
    openedAt: messages.openedAt,
    openSignalledAt: messages.openSignalledAt,
  };
  let firstOpen = true;
  let [row] = await db
    .update(messages)
    .set({ status: 'opened', openedAt: now() })
    .where(and(eq(messages.id, payload.sub), isNull(messages.openedAt), ne(messages.status, 'failed')))
    .returning(cols);
  if (!row) {
    firstOpen = false;
    [row] = await db.select(cols).from(messages).where(eq(messages.id, payload.sub));
  }
  // Unknown, or failed (never marked opened): nothing to tell anyone.
  if (!row?.openedAt) return null;
  const { openedAt, openSignalledAt, ...rest } = row;
  return { ...rest, openedAt, firstOpen, signalled: openSignalledAt !== null };
}
