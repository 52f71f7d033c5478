/**
 * The retention run, started daily by the Temporal Schedule `privacy-retention`
 * (privacy/retention-schedule.ts). Its one activity does the work (activities/retention.ts);
 * the workflow supplies the clock: the argument's `asOf` when given (tests, a run by hand
 * "as of" a date), else the workflow's own time (when the schedule started it).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from './retry';

const { runRetention } = proxyActivities<Pick<Activities, 'runRetention'>>({
  startToCloseTimeout: '1 hour',
  // It heartbeats before each erasure; one erasure takes seconds.
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

export interface TRetentionWorkflowInput {
  asOf?: string;
}

/** What the run did (activities/retention.ts writes the same row to retention_runs). */
export type TRetentionRunResult = Awaited<ReturnType<Activities['runRetention']>>;

export async function retentionWorkflow(input: TRetentionWorkflowInput = {}): Promise<TRetentionRunResult> {
  return runRetention({ asOf: input.asOf ?? new Date().toISOString() });
}
