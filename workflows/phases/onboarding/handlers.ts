import { setHandler } from '@temporalio/workflow';
import type { TWorkflowContext } from '../../context';
import {
  completeTaskUpdate,
  courseResultUpdate,
  documentSubmittedUpdate,
  rejectDocumentUpdate,
  type TCompleteTaskCommand,
  type TCourseResultCommand,
  type TDocumentSubmitted,
  type TRejectDocumentCommand,
} from '../../messages';
import * as rules from './rules';
import { recordCourseResult, rejectDocument } from './steps';

export function registerOnboardingHandlers(ctx: TWorkflowContext): void {
  const { state, nowIso, answered } = ctx;
  setHandler(completeTaskUpdate, answered((cmd: TCompleteTaskCommand) => rules.completeTask(state, cmd, nowIso())), {
    validator: (cmd: TCompleteTaskCommand) => rules.assertTaskCompletable(state, cmd),
  });
  setHandler(documentSubmittedUpdate, answered((doc: TDocumentSubmitted) => rules.receiveDocument(state, doc, nowIso())), {
    validator: (doc: TDocumentSubmitted) => rules.assertDocumentExpected(state, doc),
  });
  setHandler(rejectDocumentUpdate, answered((cmd: TRejectDocumentCommand) => rejectDocument(ctx, cmd)), { validator: (cmd: TRejectDocumentCommand) => rules.assertDocumentRejectable(state, cmd) });
  setHandler(courseResultUpdate, answered((cmd: TCourseResultCommand) => recordCourseResult(ctx, cmd)), { validator: (cmd: TCourseResultCommand) => rules.assertCourseResult(state, cmd) });
}
