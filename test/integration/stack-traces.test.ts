/**
 * WORKFLOW_STACK_TRACES: the worker records a stack trace for every promise a workflow
 * creates only when it is switched on (patches/@temporalio+worker+1.24.0.patch; off by
 * default, bench/RESULTS.md has what it costs). Off, Temporal's built-in `__stack_trace`
 * query says so; on, it answers where the workflow waits. Two workers in one process: each
 * workflow thread takes the setting its worker was created with. Either way the journey
 * itself is the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type Org } from '../helpers/org';
import { inEvaluation } from '../helpers/scenario';
import { startStack, type Stack } from '../helpers/stack';

/** A new application's workflow, once it waits in `evaluation`. */
async function waitingWorkflow(s: Stack, org: Org) {
  const { workflowId } = await inEvaluation(s, org, org.jobId);
  return s.temporal.workflow.getHandle(workflowId);
}

describe('workflow stack traces', () => {
  let off: Stack;
  let on: Stack;
  let offOrg: Org;
  let onOrg: Org;

  beforeAll(async () => {
    off = await startStack();
    on = await startStack({ env: { WORKFLOW_STACK_TRACES: 'true' } });
    [offOrg, onOrg] = await Promise.all([createOrg(off), createOrg(on)]);
  });
  afterAll(async () => {
    await off?.stop();
    await on?.stop();
  });

  it('are off by default: the __stack_trace query answers that they are not enabled', async () => {
    expect(off.config.WORKFLOW_STACK_TRACES).toBe(false);
    const handle = await waitingWorkflow(off, offOrg);
    // The refusal's message is encrypted like every failure message (encodeCommonAttributes,
    // docs/personal-data.md), and a refused query reaches the client as the server's
    // placeholder for it; with the setting on (below) the same query answers with a trace.
    await expect(handle.query('__stack_trace')).rejects.toThrow(/stack traces are not enabled|^Encoded failure$/);
    // The workflow itself answers its own queries as ever.
    await expect(handle.query('status')).resolves.toMatchObject({ stage: 'evaluation' });
  });

  it('with WORKFLOW_STACK_TRACES=true, name the workflow code where it waits', async () => {
    const handle = await waitingWorkflow(on, onOrg);
    const trace = await handle.query<string>('__stack_trace');
    expect(trace).toMatch(/workflows\/application\.ts:\d+/);
    expect(trace).toMatch(/condition/);
  });
});
