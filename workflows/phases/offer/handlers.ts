import { setHandler } from '@temporalio/workflow';
import type { TWorkflowContext } from '../../context';
import {
  approvalUpdate,
  candidateResponseUpdate,
  delegateApprovalUpdate,
  draftOfferUpdate,
  offerViewedSignal,
  submitOfferUpdate,
  type TApprovalCommand,
  type TCandidateResponse,
  type TDelegateCommand,
  type TDraftOfferCommand,
  type TSubmitOfferCommand,
} from '../../messages';
import * as rules from './rules';
import { respond, submit } from './steps';

export function registerOfferHandlers(ctx: TWorkflowContext): void {
  const { state, nowIso, answered } = ctx;
  setHandler(draftOfferUpdate, answered((cmd: TDraftOfferCommand) => rules.draft(state, cmd, nowIso())), {
    validator: (cmd: TDraftOfferCommand) => rules.assertDraftable(state, cmd, nowIso().slice(0, 10)),
  });
  setHandler(submitOfferUpdate, answered((cmd: TSubmitOfferCommand) => submit(ctx, cmd)), { validator: (cmd: TSubmitOfferCommand) => rules.assertSubmittable(state, cmd) });
  setHandler(approvalUpdate, answered((cmd: TApprovalCommand) => rules.approve(state, cmd, nowIso())), { validator: (cmd: TApprovalCommand) => rules.assertCurrentApprover(state, cmd) });
  setHandler(delegateApprovalUpdate, answered((cmd: TDelegateCommand) => rules.delegate(state, cmd, nowIso())), { validator: (cmd: TDelegateCommand) => rules.assertDelegation(state, cmd) });
  setHandler(offerViewedSignal, (seen) => rules.markViewed(state, seen.version, seen.via, nowIso()));
  setHandler(candidateResponseUpdate, answered((r: TCandidateResponse) => respond(ctx, r)), { validator: (r: TCandidateResponse) => rules.assertResponse(state, r, ctx.signing) });
}
