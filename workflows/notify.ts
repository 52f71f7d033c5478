/**
 * Messages from the workflow. Sending never blocks the hiring flow: each message runs
 * in the background (tracked, so the workflow waits for them before it ends), retries
 * temporary failures with backoff for as long as it takes, and a permanent failure is
 * raised to HR (by the activity) while the workflow goes on. Keys are (workflow, purpose, version,
 * channel), so nothing is delivered twice.
 */
import type { Activities } from '../activities';
import { messaging } from './proxies';
import type { TWorkflowState } from './state';

type CandidateInput = Parameters<Activities['sendToCandidate']>[0];
type StaffInput = Parameters<Activities['notifyStaff']>[0];
type OfferInput = Omit<Parameters<Activities['sendOfferMessage']>[0], 'applicationId'>;

export interface Messenger {
  candidate(input: CandidateInput): void;
  staff(input: StaffInput): void;
  acknowledgement(): void;
  /** The offer e-mail (with its signed link), the reminder (e-mail and SMS) or the expiry notice. */
  offer(input: OfferInput): void;
  /** Any other message-sending activity, run in the background like the rest. */
  background(what: string, work: () => Promise<void>): void;
  /** Resolves when every message started so far has settled. */
  drain(): Promise<void>;
}

export function createMessenger(state: TWorkflowState, log: (type: string, detail: Record<string, unknown>) => void): Messenger {
  const pending = new Set<Promise<void>>();
  const { input } = state;

  const track = (what: string, work: () => Promise<void>) => {
    const p = work()
      .catch((e: unknown) => log('notification_failed', { what, error: e instanceof Error ? e.message : String(e) }))
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  // The activity itself alerts HR about a permanent failure (it knows the address); the
  // timeline records it here.
  const noteFailure = (result: { status: string; error?: string }, template: string, channel: string) => {
    if (result.status === 'failed') log('message_failed', { template, channel, error: result.error ?? 'unknown' });
  };

  return {
    candidate(msg) {
      track(`${msg.template}:${msg.channel}`, async () => {
        const result = await messaging.sendToCandidate(msg);
        log('message_sent', { template: msg.template, channel: msg.channel, status: result.status });
        noteFailure(result, msg.template, msg.channel);
      });
    },
    staff(msg) {
      track(`${msg.template}:staff`, async () => {
        const result = await messaging.notifyStaff(msg);
        log('staff_notified', { template: msg.template, purpose: msg.purpose, recipients: result.recipients });
      });
    },
    acknowledgement() {
      track('acknowledgement', async () => {
        const result = await messaging.sendAcknowledgement({
          applicationId: input.applicationId,
          decisionDueAt: new Date(state.decisionDueAt).toISOString(),
          receivedAt: input.receivedAt,
        });
        log('message_sent', { template: 'interview_acknowledgement', channel: 'email', status: result.status });
        noteFailure(result, 'interview_acknowledgement', 'email');
      });
    },
    offer(msg) {
      track(`offer_${msg.kind}:v${msg.version}`, async () => {
        const results = await messaging.sendOfferMessage({ applicationId: input.applicationId, ...msg });
        for (const r of results) {
          log('message_sent', { template: `offer_${msg.kind}`, version: msg.version, status: r.status });
          noteFailure(r, `offer_${msg.kind}`, 'email');
        }
      });
    },
    background(what, work) {
      track(what, work);
    },
    async drain() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}
