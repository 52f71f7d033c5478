import { setHandler } from '@temporalio/workflow';
import type { TWorkflowContext } from '../../context';
import { decideUpdate, submitEvaluationUpdate, type TDecisionCommand, type TEvaluationCommand } from '../../messages';
import * as rules from './rules';
import { submitEvaluation } from './steps';

export function registerEvaluationHandlers(ctx: TWorkflowContext): void {
  const { state, nowIso, answered } = ctx;
  setHandler(submitEvaluationUpdate, answered((cmd: TEvaluationCommand) => submitEvaluation(ctx, cmd)), {
    validator: (cmd: TEvaluationCommand) => void rules.assertEvaluation(state, cmd),
  });
  setHandler(decideUpdate, answered((cmd: TDecisionCommand) => rules.decide(state, cmd, nowIso())), {
    validator: (cmd: TDecisionCommand) => rules.assertDecision(state, cmd),
  });
}
