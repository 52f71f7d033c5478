/**
 * WORKFLOW_STACK_TRACES: the worker records a stack trace for every promise a workflow
 * creates only when it is switched on (patches/@temporalio+worker+1.24.0.patch; off by
 * default, bench/RESULTS.md has what it costs). Off, Temporal's built-in `__stack_trace`
 * query says so; on, it answers where the workflow waits. Two workers in one process: each
 * workflow thread takes the setting its worker was created with. Either way the journey
 * itself is the same.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { application, createOrg, type Org } from '../helpers/org';
import { eventually, startStack, type Stack } from '../helpers/stack';

async function inEvaluation(s: Stack, org: Org) {
  const email = `${randomUUID().slice(0, 8)}@candidates.example.com`;
  const body = application(org.jobId, 'strong', { candidate: { name: 'Stella Stack', email, locale: 'en' } });
  const res = await s.api('POST', '/v1/applications', { token: org.integrator.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const { id, workflowId } = res.body as { id: string; workflowId: string };
  await eventually(async () => ((await s.api('GET', `/v1/applications/${id}`, { token: org.hr.token })).body.stage === 'evaluation' ? true : null));
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
    const handle = await inEvaluation(off, offOrg);
    await expect(handle.query('__stack_trace')).rejects.toThrow(/stack traces are not enabled/);
    // The workflow itself answers its own queries as ever.
    await expect(handle.query('status')).resolves.toMatchObject({ stage: 'evaluation' });
  });

  it('with WORKFLOW_STACK_TRACES=true, name the workflow code where it waits', async () => {
    const handle = await inEvaluation(on, onOrg);
    const trace = await handle.query<string>('__stack_trace');
    expect(trace).toMatch(/workflows\/application\.ts:\d+/);
    expect(trace).toMatch(/condition/);
  });
});
