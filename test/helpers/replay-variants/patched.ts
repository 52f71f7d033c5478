/**
 * The same change as divergent.ts done safely: behind patched(). Workflows recorded
 * before the change replay the old path; new ones take the new one.
 */
import { patched, sleep } from '@temporalio/workflow';
import { applicationWorkflow as current } from '../../../workflows/application';
import type { TApplicationWorkflowInput } from '../../../workflows/messages';

export async function applicationWorkflow(input: TApplicationWorkflowInput) {
  if (patched('replay-test-intro-timer')) await sleep('1 second');
  return current(input);
}
