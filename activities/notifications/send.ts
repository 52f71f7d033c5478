/**
 * sendMessage: exactly once from the recipient's point of view.
 *
 * 1. The row is found by its deterministic key or inserted (rendered content, pixel token
 *    bound to the row id). A finished row (sent, opened, failed, rendered) is returned as is.
 * 2. The attempt takes a lease on the row (attempts + 1, locked_until), so two attempts of
 *    the same activity never talk to the transport at the same time.
 * 3. The stored content goes to the transport; as soon as it accepts, the row becomes
 *    'sent' with the provider id, and only then does the activity complete.
 *
 * The one window left is between the transport's acceptance and the UPDATE, which is
 * retried while the lease lasts: a worker dying exactly there, or the database away for
 * longer than the lease, leaves the row 'sending', and after the lease runs out a retry
 * sends again, with the same Message-ID / gateway reference so deduplicating relays and
 * gateways drop it.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { messages } from '../../db/schema/messages';
import type { ActivityDeps } from '../deps';
import { AFTER_LEASE_MS, leaseLeftMs, persistUntil, writeDeadline } from '../../db/persist';
import { DeliveryError, MessageInFlightError, TemporaryDeliveryError } from './errors';
import { smtpMessageId } from './keys';
import { PIXEL_PURPOSE, pixelUrl, signToken } from '../../shared/links';
import { classifySmtpError, isPlausibleEmail, type Mailer } from './mailer';
import { isPlausiblePhone, type SmsProvider } from './sms';
import { renderMessage } from './templates';
import type { TSendMessageInput, TSendResult } from './types';
import { getSettingsCached } from '../../db/settings';
import { timeZoneOf } from '../../shared/calendar';

type MessageRow = typeof messages.$inferSelect;

export interface TSendDeps extends ActivityDeps {
  mailer?: Mailer | undefined;
  sms?: SmsProvider | undefined;
  faults?: { afterDelivered?: (key: string) => void } | undefined;
  /**
   * How long an attempt may hold a message before another may take over (default 50 s):
   * longer than the transport may take (the mailer's 10 s connect + 20 s socket
   * timeouts), shorter than the activity's 1-minute start-to-close timeout, so the retry
   * of an attempt that died finds the lease expired.
   */
  leaseMs?: number | undefined;
  /** Temporary failures become permanent this long after the message was created (default 24 h). */
  giveUpAfterMs?: number | undefined;
}

const FINISHED = new Set(['sent', 'opened', 'failed', 'rendered']);

function resultOf(row: MessageRow): TSendResult {
  return {
    messageId: row.id,
    status: row.status,
    delivered: row.delivered,
    ...(row.status === 'failed' && row.error ? { error: row.error } : {}),
  };
}

export function createSendMessage(deps: TSendDeps) {
  const { db, config, log, now } = deps;
  const leaseMs = deps.leaseMs ?? 50_000;
  const giveUpAfterMs = deps.giveUpAfterMs ?? 24 * 3600_000;

  async function findByKey(key: string): Promise<MessageRow | undefined> {
    const [row] = await db.db.select().from(messages).where(eq(messages.key, key));
    return row;
  }

  async function insertRendered(input: TSendMessageInput, hasTransport: boolean): Promise<MessageRow> {
    const id = randomUUID();
    const secret = config.linkSigningSecret;
    const pixel =
      input.channel === 'email' && secret
        ? pixelUrl(config.publicUrl, signToken(secret, { purpose: PIXEL_PURPOSE, sub: id }))
        : undefined;
    if (input.channel === 'email' && !secret)
      log.warn({ key: input.key }, 'no link signing secret: e-mail sent without open tracking');
    // Times are shown in the company's zone (settings), which every recipient shares.
    const timeZone = timeZoneOf((await getSettingsCached(db.db)).defaults);
    const rendered = renderMessage({
      timeZone,
      template: input.template,
      locale: input.locale,
      channel: input.channel,
      data: input.data,
      recipientName: input.to.name,
      pixelUrl: pixel,
    });
    const [row] = await db.db
      .insert(messages)
      .values({
        id,
        key: input.key,
        applicationId: input.applicationId,
        channel: input.channel,
        template: input.template,
        purpose: input.purpose,
        locale: input.locale,
        recipient: input.to.address.trim(),
        recipientKind: input.to.kind,
        recipientUserId: input.to.userId ?? null,
        subject: rendered.channel === 'email' ? rendered.subject : null,
        bodyText: rendered.text,
        bodyHtml: rendered.channel === 'email' ? rendered.html : null,
        status: hasTransport ? 'sending' : 'rendered',
        delivered: false,
        createdAt: now(),
      })
      .onConflictDoNothing({ target: messages.key })
      .returning();
    if (row) {
      if (!hasTransport) {
        // A preview only: never the body (it carries signed links).
        log.info(
          {
            messageId: row.id,
            template: row.template,
            channel: row.channel,
            recipient: row.recipient,
            subject: row.subject,
            delivered: false,
          },
          'message stored, not delivered: no transport configured',
        );
      }
      return row;
    }
    // A concurrent attempt inserted it first.
    const existing = await findByKey(input.key);
    if (!existing) throw new Error(`message ${input.key} vanished after a key conflict`);
    return existing;
  }

  /** Takes the lease; undefined when another attempt holds it or the row is finished. */
  async function claim(id: string): Promise<MessageRow | undefined> {
    const [row] = await db.db
      .update(messages)
      .set({
        attempts: sql`${messages.attempts} + 1`,
        lockedUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
      })
      .where(
        and(
          eq(messages.id, id),
          eq(messages.status, 'sending'),
          or(isNull(messages.lockedUntil), lt(messages.lockedUntil, sql`now()`)),
        ),
      )
      .returning();
    return row;
  }

  async function markFailed(row: MessageRow, error: string): Promise<TSendResult> {
    const [updated] = await db.db
      .update(messages)
      .set({ status: 'failed', error, lockedUntil: null })
      .where(and(eq(messages.id, row.id), eq(messages.status, 'sending')))
      .returning();
    log.warn(
      { messageId: row.id, template: row.template, channel: row.channel, attempts: row.attempts, error },
      'message failed permanently',
    );
    return updated ? resultOf(updated) : resultOf((await findByKey(row.key)) ?? row);
  }

  async function deliver(
    row: MessageRow,
    input: TSendMessageInput,
  ): Promise<{ providerMessageId: string | null }> {
    if (row.channel === 'email') {
      if (!deps.mailer) throw new Error('no mailer');
      return deps.mailer.send({
        messageId: smtpMessageId(row.key, config.MAIL_FROM),
        from: config.MAIL_FROM,
        to: { address: row.recipient, name: input.to.name },
        subject: row.subject ?? '',
        text: row.bodyText,
        html: row.bodyHtml ?? undefined,
      });
    }
    if (!deps.sms) throw new Error('no SMS provider');
    return deps.sms.send({ to: row.recipient, text: row.bodyText, reference: row.id });
  }

  return async function sendMessage(input: TSendMessageInput): Promise<TSendResult> {
    const hasTransport = input.channel === 'email' ? deps.mailer !== undefined : deps.sms !== undefined;
    let row = (await findByKey(input.key)) ?? (await insertRendered(input, hasTransport));
    if (row.template !== input.template || row.recipient !== input.to.address.trim()) {
      log.warn(
        { key: input.key, stored: row.template, asked: input.template },
        'message key reused for a different message',
      );
    }
    if (FINISHED.has(row.status)) return resultOf(row);

    if (!hasTransport) {
      // Queued while a transport was configured, which is gone now: keep it visible as not delivered.
      const [updated] = await db.db
        .update(messages)
        .set({ status: 'rendered', lockedUntil: null })
        .where(and(eq(messages.id, row.id), eq(messages.status, 'sending')))
        .returning();
      return resultOf(updated ?? row);
    }

    const valid = row.channel === 'email' ? isPlausibleEmail(row.recipient) : isPlausiblePhone(row.recipient);
    if (!valid) {
      return markFailed(
        row,
        `invalid ${row.channel === 'email' ? 'e-mail address' : 'phone number'}: ${row.recipient}`,
      );
    }

    const claimedAt = performance.now();
    const claimed = await claim(row.id);
    if (!claimed) {
      // One read: finished meanwhile, or how long the other attempt's lease has left.
      const [current] = await db.db
        .select({ message: messages, leaseLeftMs: leaseLeftMs(messages.lockedUntil) })
        .from(messages)
        .where(eq(messages.id, row.id));
      if (current && FINISHED.has(current.message.status)) return resultOf(current.message);
      const retryAfterMs = current?.leaseLeftMs == null ? undefined : current.leaseLeftMs + AFTER_LEASE_MS;
      throw new MessageInFlightError(`message ${input.key} is being sent by another attempt`, retryAfterMs);
    }
    row = claimed;

    let providerMessageId: string | null;
    try {
      ({ providerMessageId } = await deliver(row, input));
    } catch (err) {
      const failure = err instanceof DeliveryError ? err : classifySmtpError(err);
      const givingUp = !failure.permanent && now().getTime() - row.createdAt.getTime() >= giveUpAfterMs;
      if (failure.permanent || givingUp) {
        return markFailed(
          row,
          givingUp ? `gave up after ${row.attempts} attempts: ${failure.message}` : failure.message,
        );
      }
      await db.db
        .update(messages)
        .set({ error: failure.message, lockedUntil: null })
        .where(and(eq(messages.id, row.id), eq(messages.status, 'sending')));
      log.warn(
        {
          messageId: row.id,
          template: row.template,
          channel: row.channel,
          attempts: row.attempts,
          error: failure.message,
        },
        'message delivery failed temporarily, will retry',
      );
      throw new TemporaryDeliveryError(
        `${row.channel} ${row.key} attempt ${row.attempts}: ${failure.message}`,
      );
    }

    const id = row.id;
    // The transport has it: insist on recording that for as long as the lease is ours.
    const [sent] = await persistUntil(() =>
      db.db
        .update(messages)
        .set({
          // The pixel may have been loaded before this write: an open is kept.
          status: sql`case when ${messages.status} = 'opened' then 'opened' else 'sent' end`,
          delivered: true,
          providerMessageId,
          sentAt: now(),
          error: null,
          lockedUntil: null,
        })
        .where(eq(messages.id, id))
        .returning(),
      writeDeadline(claimedAt, leaseMs),
    );
    log.info(
      { messageId: id, template: row.template, channel: row.channel, attempts: row.attempts },
      'message sent',
    );
    deps.faults?.afterDelivered?.(input.key);
    return resultOf(sent ?? row);
  };
}
