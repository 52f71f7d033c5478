/**
 * Probation (issue 18): from the start date after `hired` to `confirmed` or
 * `probation_failed`. The hiring manager's mid-point check-in and the mentor's note are
 * reminded of before they are due and HR is told when one is late; HR records the final
 * review (confirm, extend once, or end), which moves the stage and tells integrators.
 */
import { DEFAULT_PROBATION } from '../../../domain/policy';
import type { TWorkflowContext } from '../../context';
import { acts } from '../../proxies';
import type { TProbationReviewCommand, TProbationState } from '../../messages';
import * as rules from './rules';

const ACTIONS = { check_in: 'probation_check_in', mentor_note: 'probation_mentor_note', review: 'probation_review' } as const;

/** The probationReview update: an extension keeps the probation going; confirm or end closes it. */
export async function reviewProbation(ctx: TWorkflowContext, cmd: TProbationReviewCommand): Promise<{ stage: TWorkflowContext['state']['stage']; probation: TProbationState }> {
  const at = ctx.nowIso();
  if (cmd.outcome === 'extend') {
    const p = rules.extend(ctx.state, cmd, at);
    ctx.events.emit('probation.extended', { employeeId: ctx.state.onboarding?.employeeId, previousEndDate: p.extension!.previousEndDate, endDate: p.endDate });
    return { stage: ctx.state.stage, probation: p };
  }
  const p = rules.conclude(ctx.state, cmd, at);
  const confirmed = cmd.outcome === 'confirm';
  const stage = confirmed ? 'confirmed' : 'probation_failed';
  // The stage and the employee's status (ended with the probation) in one transaction.
  const seq = ctx.nextStageSeq();
  const from = ctx.state.stage;
  await acts.concludeProbation({ applicationId: ctx.input.applicationId, employeeId: ctx.state.onboarding!.employeeId, stage, stageSeq: seq, at, from, actor: { id: cmd.actor.id, name: cmd.actor.name } });
  ctx.movedByActivity(stage, seq, at);
  ctx.events.emit(confirmed ? 'probation.confirmed' : 'probation.ended', {
    employeeId: ctx.state.onboarding?.employeeId,
    startDate: p.startDate,
    endDate: p.endDate,
    extended: p.extension !== null,
    ...(confirmed ? {} : { reason: p.review!.reason }),
  });
  return { stage: ctx.state.stage, probation: p };
}

/** Runs probation from `hired` until the final review (only for workflows past patched('probation')). */
export async function runProbation(ctx: TWorkflowContext): Promise<void> {
  const { state, input } = ctx;
  const ob = state.onboarding!;
  const calendar = state.calendar;
  // `hired` until the first day of work begins in the company's zone.
  const startsAt = rules.startOfDay(ob.startDate, calendar);
  // Parked on that timer (the same timer command as a sleep): an answer given meanwhile does not wait for it.
  if (startsAt > Date.now()) await ctx.park(() => false, startsAt - Date.now());

  const p = rules.startProbation(ob.startDate, input.policy.probation ?? DEFAULT_PROBATION, ob.mentorUserId, calendar);
  state.probation = p;
  await ctx.moveTo('probation', 'system', { startDate: p.startDate, endDate: p.endDate, checkInDate: p.checkInDate });

  const fingerprint = () => [p.checkIn?.at, p.mentorNote?.at, p.endDate, p.review?.at].join('|');
  while (!p.review) {
    const now = Date.now();
    const alerts = rules.probationAlerts(p, calendar);
    const due = alerts.filter((a) => a.at <= now);
    for (const a of due) alert(ctx, p, a);
    if (due.length) continue;
    const seen = fingerprint();
    const next = alerts[0];
    await ctx.park(() => fingerprint() !== seen, next ? next.at - now : undefined);
  }
}

function alert(ctx: TWorkflowContext, p: TProbationState, a: rules.TProbationAlert) {
  const { input } = ctx;
  p.alerts[a.key] = ctx.nowIso();
  ctx.log(a.kind === 'remind' ? 'probation_reminder' : 'probation_late', 'system', { item: a.item, dueAt: new Date(a.dueAt).toISOString() });
  const base = {
    keyPrefix: `probation-${a.key}`,
    applicationId: input.applicationId,
    purpose: `probation_${a.kind}`,
    template: 'action_required' as const,
    data: { action: ACTIONS[a.item], ...ctx.candidate, dueAt: new Date(a.dueAt).toISOString(), overdue: a.kind === 'late' },
  };
  if (a.kind === 'late') {
    ctx.messenger.staff({ ...base, role: 'hr' });
  } else if (a.item === 'mentor_note') {
    ctx.messenger.staff({ ...base, userIds: [p.mentorUserId!] });
  } else {
    // The department's hiring manager owes the check-in and the review; HR records the review.
    ctx.messenger.staff({ ...base, role: 'hiring_manager', departmentId: input.departmentId });
    if (a.item === 'review') ctx.messenger.staff({ ...base, keyPrefix: `${base.keyPrefix}:hr`, role: 'hr' });
  }
}
