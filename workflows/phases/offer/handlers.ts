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
  const { state, nowIso } = ctx;
  setHandler(draftOfferUpdate, (cmd) => rules.draft(state, cmd, nowIso()), {
    validator: (cmd: TDraftOfferCommand) => rules.assertDraftable(state, cmd, nowIso().slice(0, 10)),
  });
  setHandler(submitOfferUpdate, (cmd) => submit(ctx, cmd), { validator: (cmd: TSubmitOfferCommand) => rules.assertSubmittable(state, cmd) });
  setHandler(approvalUpdate, (cmd) => rules.approve(state, cmd, nowIso()), { validator: (cmd: TApprovalCommand) => rules.assertCurrentApprover(state, cmd) });
  setHandler(delegateApprovalUpdate, (cmd) => rules.delegate(state, cmd, nowIso()), { validator: (cmd: TDelegateCommand) => rules.assertDelegation(state, cmd) });
  setHandler(offerViewedSignal, (seen) => rules.markViewed(state, seen.version, seen.via, nowIso()));
  setHandler(candidateResponseUpdate, (r) => respond(ctx, r), { validator: (r: TCandidateResponse) => rules.assertResponse(state, r, ctx.signing) });
}
