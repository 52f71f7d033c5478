/**
 * Telling an application's workflow that one of its e-mails was opened, without losing the
 * open when Temporal is unreachable. The pixel route records the open in PostgreSQL first
 * (messages.opened_at), then signals; the row is marked (open_signalled_at) once Temporal
 * has taken the signal or the workflow is found finished. An open left unmarked is signalled
 * again by the next load of the same pixel, and by a sweep that runs in every API process
 * every OPEN_SIGNAL_RETRY_MS. The workflow keeps one open per message, so a signal repeated
 * (two pixels at once, two API processes sweeping, a mark that failed) changes nothing.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { messages } from '../db/schema';
import { messageOpenedSignal } from '../workflows/messages';
import { isUnavailable } from './errors';
import { applicationHandle, withTemporalDeadline } from './workflow-client';
import { scheduleRepeating } from './schedule';

export interface TOpenToSignal {
  messageId: string;
  applicationId: string;
  template: string;
  purpose: string;
  openedAt: Date;
}

/** Signals the open and marks it told; throws (the row stays unmarked) when Temporal does not answer. */
export async function signalOpen(app: FastifyInstance, open: TOpenToSignal): Promise<'signalled' | 'finished'> {
  let outcome: 'signalled' | 'finished' = 'signalled';
  try {
    await withTemporalDeadline(app, () =>
      applicationHandle(app, open.applicationId).signal(messageOpenedSignal, {
        messageId: open.messageId,
        template: open.template,
        purpose: open.purpose,
        at: open.openedAt.toISOString(),
      }),
    );
  } catch (e) {
    // A finished workflow has nothing left to learn from an open.
    if (!(e instanceof WorkflowNotFoundError)) throw e;
    outcome = 'finished';
  }
  await app.db.db.update(messages).set({ openSignalledAt: new Date() }).where(eq(messages.id, open.messageId));
  return outcome;
}

export interface TSweepResult {
  signalled: number;
  finished: number;
  /** Opens still untold after this round (Temporal or the database did not answer). */
  left: number;
}

/**
 * One round: the oldest untold opens, up to `limit`, each signalled in turn. Temporal or
 * the database unreachable ends the round (the next one tries again); any other failure
 * leaves that open for the next round and goes on with the rest.
 */
export async function sweepOpenSignals(app: FastifyInstance, limit = 100): Promise<TSweepResult> {
  const rows = await app.db.db
    .select({
      messageId: messages.id,
      applicationId: messages.applicationId,
      template: messages.template,
      purpose: messages.purpose,
      openedAt: messages.openedAt,
    })
    .from(messages)
    .where(and(isNotNull(messages.openedAt), isNull(messages.openSignalledAt), isNotNull(messages.applicationId)))
    .orderBy(asc(messages.openedAt))
    .limit(limit);
  const result: TSweepResult = { signalled: 0, finished: 0, left: rows.length };
  for (const row of rows) {
    try {
      result[await signalOpen(app, { ...row, applicationId: row.applicationId!, openedAt: row.openedAt! })] += 1;
      result.left -= 1;
    } catch (e) {
      app.log.warn({ err: e, messageId: row.messageId }, 'could not tell a workflow of an e-mail open; trying again later');
      if (isUnavailable(e)) break;
    }
  }
  return result;
}

/** Runs sweepOpenSignals every `everyMs` while the app is up (one round at a time); 0: never. */
export function scheduleOpenSignalSweep(app: FastifyInstance, everyMs: number): void {
  scheduleRepeating(app, everyMs, 'e-mail open sweep', () => sweepOpenSignals(app));
}
