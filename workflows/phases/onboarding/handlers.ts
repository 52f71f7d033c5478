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
  const { state, nowIso } = ctx;
  setHandler(completeTaskUpdate, (cmd) => rules.completeTask(state, cmd, nowIso()), {
    validator: (cmd: TCompleteTaskCommand) => rules.assertTaskCompletable(state, cmd),
  });
  setHandler(documentSubmittedUpdate, (doc) => rules.receiveDocument(state, doc, nowIso()), {
    validator: (doc: TDocumentSubmitted) => rules.assertDocumentExpected(state, doc),
  });
  setHandler(rejectDocumentUpdate, (cmd) => rejectDocument(ctx, cmd), { validator: (cmd: TRejectDocumentCommand) => rules.assertDocumentRejectable(state, cmd) });
  setHandler(courseResultUpdate, (cmd) => recordCourseResult(ctx, cmd), { validator: (cmd: TCourseResultCommand) => rules.assertCourseResult(state, cmd) });
}
