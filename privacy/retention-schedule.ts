/**
 * The Temporal Schedule that runs retention (workflows/retention.ts) every day at 03:17 UTC.
 *
 * Made by the API when it starts (api/server.ts main and npm start), not by the worker or a
 * setup step: the API already holds a Temporal client, every deployment runs it, and making
 * it is idempotent (create, or bring an existing one up to date: the task queue or the time
 * may have changed with the configuration), so any number of replicas may start at once.
 * Test stacks build the server without it: a schedule left on the shared dev server would
 * start runs on a task queue nobody polls.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Config } from '../temporal.config';
import type { retentionWorkflow } from '../workflows/retention';

export const RETENTION_SCHEDULE_ID = 'privacy-retention';

export async function ensureRetentionSchedule(
  client: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>,
  scheduleId = RETENTION_SCHEDULE_ID,
): Promise<'created' | 'updated'> {
  const spec = { calendars: [{ hour: 3, minute: 17 }] };
  const action: ScheduleOptionsStartWorkflowAction<typeof retentionWorkflow> = {
    type: 'startWorkflow',
    workflowType: 'retentionWorkflow',
    args: [{}],
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: scheduleId,
  };
  // One run at a time; a run missed while Temporal was down is made up within a day.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    return 'created';
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
    await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action, policies: { ...prev.policies, ...policies } }));
    return 'updated';
  }
}
