/**
 * The application workflow with a careless change, for the replay test: a timer before
 * anything else, not guarded by patched(). Replaying any recorded history against it
 * must fail with a nondeterminism error, which proves the replay test can fail.
 */
import { sleep } from '@temporalio/workflow';
import { applicationWorkflow as current } from '../../../workflows/application';
import type { TApplicationWorkflowInput } from '../../../workflows/messages';

export async function applicationWorkflow(input: TApplicationWorkflowInput) {
  await sleep('1 second');
  return current(input);
}
