/**
 * Steps 1 and 2 of the pipeline: the two-way check of resume and interview (with HR's
 * review when a high-severity discrepancy is found), then screening against the job's
 * competency model. Returns false when the application was withdrawn meanwhile.
 */
import type { TWorkflowContext } from '../../context';
import { acts } from '../../proxies';
import { unresolvedHigh } from './rules';

export async function runReview(ctx: TWorkflowContext): Promise<boolean> {
  const { state, input, messenger, log, moveTo, stopped } = ctx;
  await moveTo('validating');
  if (stopped()) return false;
  const found = await acts.checkApplication({ applicationId: input.applicationId, competencies: input.policy.competencies });
  state.discrepancies = found.map((d) => ({ ...d, resolution: null }));
  log('validated', 'system', { discrepancies: found.length, high: found.filter((d) => d.severity === 'high').length });
  if (stopped()) return false;

  if (unresolvedHigh(state).length > 0) {
    await moveTo('discrepancy_review');
    messenger.staff({
      keyPrefix: 'discrepancy-review',
      applicationId: input.applicationId,
      role: 'hr',
      purpose: 'discrepancy_review',
      template: 'action_required',
      data: { action: 'discrepancy_review', ...ctx.candidate, dueAt: new Date(state.decisionDueAt).toISOString() },
    });
    await ctx.park(() => stopped() || unresolvedHigh(state).length === 0);
    if (stopped()) return false;
  }

  await moveTo('screening');
  const report = await acts.screenApplication({ applicationId: input.applicationId, competencies: input.policy.competencies });
  state.report = report;
  state.scores = { ...state.scores, matchScore: report.matchScore, aiScore: report.aiScore, cosine: report.cosine, fulfilment: report.fulfilment };
  log('screened', 'system', { matchScore: report.matchScore, aiScore: report.aiScore });
  return !stopped();
}
