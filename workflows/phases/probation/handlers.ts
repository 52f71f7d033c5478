import { setHandler } from '@temporalio/workflow';
import type { TWorkflowContext } from '../../context';
import {
  mentorNoteUpdate,
  probationCheckInUpdate,
  probationReviewUpdate,
  type TMentorNoteCommand,
  type TProbationCheckInCommand,
  type TProbationReviewCommand,
} from '../../messages';
import * as rules from './rules';
import { reviewProbation } from './steps';

export function registerProbationHandlers(ctx: TWorkflowContext): void {
  const { state, nowIso, answered } = ctx;
  setHandler(probationCheckInUpdate, answered((cmd: TProbationCheckInCommand) => rules.recordCheckIn(state, cmd, nowIso())), {
    validator: (cmd: TProbationCheckInCommand) => rules.assertCheckIn(state, cmd),
  });
  setHandler(mentorNoteUpdate, answered((cmd: TMentorNoteCommand) => rules.recordMentorNote(state, cmd, nowIso())), {
    validator: (cmd: TMentorNoteCommand) => rules.assertMentorNote(state, cmd),
  });
  setHandler(probationReviewUpdate, answered((cmd: TProbationReviewCommand) => reviewProbation(ctx, cmd)), {
    validator: (cmd: TProbationReviewCommand) => rules.assertReview(state, cmd, Date.now()),
  });
}
