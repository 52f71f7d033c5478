/**
 * One workflow per application, in phases:
 *   review      received -> validating -> [discrepancy_review] -> screening
 *   evaluation  -> evaluation -> decision -> rejected (feedback sent) | offer_drafting
 *   offer       -> offer_approval -> offer_sent -> offer_viewed -> accepted | declined | expired
 *   onboarding  -> onboarding -> hired
 *   probation   -> (at the start date) probation -> confirmed | probation_failed
 * and withdrawn from any stage before the end. The workflow owns the stage; activities
 * mirror it into the database. Human actions arrive as updates whose validators (each
 * phase's rules.ts) refuse the wrong stage, actor, id or repeat before anything is
 * written to history.
 */
import { allHandlersFinished, patched, setHandler } from '@temporalio/workflow';
import type { TStage } from '../domain/contracts/application';
import { createContext, type TWorkflowContext } from './context';
import { reject } from './errors';
import { messageOpenedSignal, statusQuery, withdrawUpdate, type TApplicationWorkflowInput, type TMessageOpened, type TWithdrawCommand } from './messages';
import { registerEvaluationHandlers } from './phases/evaluation/handlers';
import { keepDecisionPromise, runEvaluation } from './phases/evaluation/steps';
import { registerOfferHandlers } from './phases/offer/handlers';
import { markViewed } from './phases/offer/rules';
import { runOffers } from './phases/offer/steps';
import { registerOnboardingHandlers } from './phases/onboarding/handlers';
import { runOnboarding } from './phases/onboarding/steps';
import { registerProbationHandlers } from './phases/probation/handlers';
import { runProbation } from './phases/probation/steps';
import { registerReviewHandlers } from './phases/review/handlers';
import { runReview } from './phases/review/steps';
import { isTerminal } from './state';
import { toStatus } from './status';

export async function applicationWorkflow(input: TApplicationWorkflowInput): Promise<TStage> {
  const ctx = createContext(input);
  const { state } = ctx;

  setHandler(statusQuery, () => toStatus(state, Date.now()));
  registerOfferHandlers(ctx);
  registerOnboardingHandlers(ctx);
  setHandler(messageOpenedSignal, (opened) => messageOpened(ctx, opened));
  registerReviewHandlers(ctx);
  registerEvaluationHandlers(ctx);
  registerProbationHandlers(ctx);
  setHandler(withdrawUpdate, ctx.answered((cmd: TWithdrawCommand) => withdraw(ctx, cmd)), {
    validator: (_cmd) => {
      if (isTerminal(state.stage) || state.withdrawal) reject('WrongStage', `the application is already ${state.stage}`);
      if (state.stage === 'probation') reject('WrongStage', 'the application is in probation: the final review ends it');
    },
  });

  ctx.log('application_received', 'system', { jobId: input.jobId });
  ctx.events.emit('application.received', { jobId: input.jobId, departmentId: input.departmentId, stage: 'received' });
  ctx.messenger.acknowledgement();
  void keepDecisionPromise(ctx);

  // 1-2. The two-way check of resume and interview, then screening.
  if (!(await runReview(ctx))) return finish(ctx);
  // 3. Human evaluation, then HR's decision.
  if (!(await runEvaluation(ctx))) return finish(ctx);
  // 4. The offer: drafting, approval, letter, sending, the candidate's answer.
  await ctx.moveTo('offer_drafting');
  ctx.messenger.staff({
    keyPrefix: 'offer-draft',
    applicationId: input.applicationId,
    role: 'hr',
    purpose: 'offer_draft',
    template: 'action_required',
    data: { action: 'offer_draft', ...ctx.candidate, dueAt: ctx.nowIso() },
  });
  await runOffers(ctx);
  if (ctx.stopped() || isTerminal(state.stage)) return finish(ctx);
  // 5. Onboarding, from the signed offer to a trained employee.
  await runOnboarding(ctx);
  // 6. Probation. Workflows that reached `hired` before this existed end there (their
  // histories have no marker here).
  if (!ctx.stopped() && state.stage === 'hired' && patched('probation')) await runProbation(ctx);
  return finish(ctx);
}

async function finish(ctx: TWorkflowContext): Promise<TStage> {
  // Handlers may still be mirroring their stage and messages may still be retrying.
  await ctx.park(allHandlersFinished);
  await ctx.messenger.drain();
  await ctx.events.drain();
  return ctx.state.stage;
}

async function withdraw(ctx: TWorkflowContext, cmd: TWithdrawCommand): Promise<{ stage: TStage }> {
  ctx.state.withdrawal = { reason: cmd.reason, by: cmd.actor.id, at: ctx.nowIso() };
  await ctx.moveTo('withdrawn', cmd.actor, { reason: cmd.reason });
  return { stage: ctx.state.stage };
}

function messageOpened(ctx: TWorkflowContext, opened: TMessageOpened): void {
  // The API repeats a signal until it knows Temporal took it: one open per message.
  if (ctx.state.timeline.some((e) => e.type === 'message_opened' && e.detail?.messageId === opened.messageId)) return;
  ctx.log('message_opened', 'system', { template: opened.template, purpose: opened.purpose, messageId: opened.messageId });
  // Opening the offer e-mail counts as viewing that version.
  const m = /^offer_sent:v(\d+)$/.exec(opened.purpose);
  if (m) markViewed(ctx.state, Number(m[1]), 'email', ctx.nowIso());
}
