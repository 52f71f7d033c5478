/**
 * Messages to the candidate of an application, as the workflow sends them: the workflow
 * names the template, purpose and the data only it knows; contact details, locale, job
 * title and company come from the database, so they stay out of workflow history. A
 * permanent failure is recorded, raised to HR (delivery_failed), and returned.
 */
import { businessDaysBetween } from '../../domain/business-days';
import type { ActivityDeps } from '../deps';
import { loadAcknowledgementData } from './acknowledgement';
import { autoFill, loadApplicationContext, type TApplicationContext } from './context';
import { NotificationInputError } from './errors';
import { messageKey } from './keys';
import type {
  TAcknowledgementResult,
  TCandidateSendResult,
  TNotifyStaffInput,
  TNotifyStaffResult,
  TSendAcknowledgementInput,
  TSendMessageInput,
  TSendResult,
  TSendToCandidateInput,
} from './types';

const DAY_MS = 86_400_000;

export function createCandidateMessaging(
  { db }: ActivityDeps,
  sendMessage: (input: TSendMessageInput) => Promise<TSendResult>,
  notifyStaff: (input: TNotifyStaffInput) => Promise<TNotifyStaffResult>,
) {
  async function raiseToHr(
    ctx: TApplicationContext,
    input: TSendToCandidateInput,
    address: string,
    error: string,
  ) {
    await notifyStaff({
      // notifyStaff puts the workflow id in front; this names which message failed.
      keyPrefix: `${input.purpose}:v${input.version ?? 1}:${input.channel}:delivery_failed`,
      applicationId: ctx.applicationId,
      role: 'hr',
      template: 'delivery_failed',
      purpose: 'delivery_failed',
      data: { channel: input.channel, recipient: address, failedTemplate: input.template, reason: error },
    });
  }

  async function sendToCandidate(input: TSendToCandidateInput): Promise<TCandidateSendResult> {
    const ctx = await loadApplicationContext(db, input.applicationId);
    const address = input.channel === 'email' ? ctx.candidateEmail : ctx.candidatePhone;
    if (!address)
      return { messageId: null, status: 'skipped', delivered: false, error: 'no phone number on file' };
    const key = messageKey(ctx.workflowId, input.purpose, input.version ?? 1, input.channel);
    const result = await sendMessage({
      key,
      applicationId: input.applicationId,
      channel: input.channel,
      template: input.template,
      purpose: input.purpose,
      locale: input.locale ?? ctx.candidateLocale,
      to: { address, name: ctx.candidateName, kind: 'candidate' },
      data: { ...autoFill(ctx), ...input.data },
    } as TSendMessageInput);
    if (result.status === 'failed')
      await raiseToHr(ctx, input, address, result.error ?? 'unknown error');
    return result;
  }

  /**
   * The interview acknowledgement: accuracy and percentile computed now, the promise as
   * the workflow set it. Retries render nothing new: the first rendering is what is sent.
   */
  async function sendAcknowledgement(input: TSendAcknowledgementInput): Promise<TAcknowledgementResult> {
    const ack = await loadAcknowledgementData(db, input.applicationId);
    const dueMs = Date.parse(input.decisionDueAt);
    // A promise running out at 00:00 UTC is kept by the end of the day before: say that day.
    const shownDueMs = dueMs % DAY_MS === 0 ? dueMs - 1 : dueMs;
    const data = {
      accuracy: ack.accuracy,
      percentile: ack.percentile,
      businessDays: input.businessDays ?? businessDaysBetween(Date.parse(input.receivedAt), shownDueMs),
      decisionBy: new Date(shownDueMs).toISOString(),
    };
    const send = (channel: 'email' | 'sms') =>
      sendToCandidate({
        applicationId: input.applicationId,
        channel,
        purpose: 'acknowledgement',
        template: 'interview_acknowledgement',
        data,
      });
    const channels = input.channels ?? ['email'];
    if (channels.length === 0)
      throw new NotificationInputError('sendAcknowledgement needs at least one channel');
    const email = channels.includes('email') ? await send('email') : undefined;
    const sms = channels.includes('sms') ? await send('sms') : undefined;
    const main = email ?? sms!;
    return {
      ...main,
      accuracy: ack.accuracy,
      percentile: ack.percentile,
      ...(email && sms ? { sms } : {}),
    };
  }

  return { sendToCandidate, sendAcknowledgement };
}
