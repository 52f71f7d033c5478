import { setHandler } from '@temporalio/workflow';
import type { TWorkflowContext } from '../../context';
import { resolveDiscrepancyUpdate, type TResolveDiscrepancyCommand } from '../../messages';
import * as rules from './rules';

export function registerReviewHandlers({ state, nowIso, answered }: TWorkflowContext): void {
  setHandler(resolveDiscrepancyUpdate, answered((cmd: TResolveDiscrepancyCommand) => rules.resolveDiscrepancy(state, cmd, nowIso())), {
    validator: (cmd: TResolveDiscrepancyCommand) => rules.assertResolvable(state, cmd),
  });
}
