/**
 * Probation over HTTP (issue 18): the manager's check-in, the mentor's note and HR's final
 * review (confirm; extend then end), with the webhooks' events, the employee's status, bad
 * input refused with nothing changed, and the wrong people refused. The stack runs on the
 * time-skipping test server so the start date (a month ahead) arrives at once.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startTimeSkippingServer } from '../../scripts/harness/time-skipping';
import { startOfDay } from '../../workflows/phases/probation/rules';
import { toOfferSent, waitForStage } from '../helpers/journey';
import { createOrg, createUser, JOB, type Org } from '../helpers/org';
import { eventually, startStack, type Stack } from '../helpers/stack';

let env: TestWorkflowEnvironment;
let s: Stack;
let org: Org;
let mentor: { id: string; token: string };

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  env = await startTimeSkippingServer();
  s = await startStack({ timeSkipping: env });
  org = await createOrg(s);
  mentor = await createUser(s, { name: 'Mo Mentor', roles: ['mentor'] });
  const job = await s.api('POST', '/v1/jobs', {
    token: org.hr.token,
    body: {
      ...JOB(org.departmentId),
      onboarding: { tasks: [{ key: 'computer', title: 'Prepare a computer', assignee: 'hr', dueDaysFromStart: -2 }], mentorUserId: mentor.id },
      probation: { months: 3 },
    },
  });
  expect(job.status, JSON.stringify(job.body)).toBe(201);
  org = { ...org, jobId: job.body.id };
}, 120_000);

afterAll(async () => {
  await s?.stop();
  await env?.teardown();
});

const base = (id: string) => `/v1/applications/${id}/probation`;
const status = async (id: string) => (await s.api('GET', `/v1/applications/${id}`, { token: org.hr.token })).body;

/** From submission through acceptance and onboarding to `probation` (the clock skipped to the start date). */
async function toProbation(name: string) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@candidates.example.com`;
  // A month ahead on the test server's clock (earlier tests skipped it forward).
  const startDate = new Date((await env.currentTimeMs()) + 30 * 86_400_000).toISOString().slice(0, 10);
  const app = await toOfferSent(s, org, { candidate: { name, email, locale: 'en' } }, { startDate });
  const token = await eventually(async () => {
    const rows = await s.db.handle.rows<{ body_text: string }>(sql`select body_text from messages where application_id = ${app.id} and template = 'offer_sent'`);
    return /\/offers\/([A-Za-z0-9_-]+)/.exec(rows[0]?.body_text ?? '')?.[1] ?? null;
  });
  const accept = await s.api('POST', `/v1/candidate/offer/accept?token=${token}`, { token: null, body: { signatureName: name, consent: true } });
  expect(accept.status, JSON.stringify(accept.body)).toBe(200);
  const onboarding = await waitForStage(s, app.id, 'onboarding', org.hr.token);
  const employeeId = onboarding.onboarding.employeeId as string;
  expect((await s.api('POST', `/v1/employees/${employeeId}/onboarding/tasks/computer/complete`, { token: org.hr.token, body: {} })).status).toBe(200);
  expect((await s.api('POST', `/v1/employees/${employeeId}/courses/orientation/result`, { token: org.integrator.token, body: { score: 90 } })).status).toBe(200);
  await waitForStage(s, app.id, 'hired', org.hr.token);
  const target = startOfDay(startDate) + 60_000;
  const now = await env.currentTimeMs();
  if (target > now) await env.sleep(target - now);
  const st = await waitForStage(s, app.id, 'probation', org.hr.token);
  return { id: app.id, employeeId, probation: st.probation };
}

const eventsOf = (id: string) =>
  eventually(async () => {
    const r = await s.api('GET', '/v1/events?types=probation.confirmed,probation.extended,probation.ended', { token: org.integrator.token });
    const mine = (r.body.items as { type: string; applicationId: string; data: Record<string, unknown> }[]).filter((e) => e.applicationId === id);
    return mine.length ? mine : null;
  }, 20_000);

describe('probation over HTTP', { timeout: 240_000 }, () => {
  it('check-in, mentor note, bad reviews refused with nothing changed, the wrong people refused, then confirmed', async () => {
    const { id, employeeId, probation } = await toProbation('Pei Confirmed');
    expect(probation).toMatchObject({ months: 3, mentorUserId: mentor.id, checkIn: null, extension: null });
    const pending = (await status(id)).pendingActions.map((a: { action: string; actor: string }) => [a.action, a.actor]);
    expect(pending).toEqual([
      ['probation_check_in', 'hiring_manager'],
      ['probation_mentor_note', mentor.id],
      ['probation_review', 'hr'],
    ]);

    // the wrong people
    expect((await s.api('POST', `${base(id)}/check-in`, { token: org.otherManager.token, body: { note: 'x', onTrack: true } })).status).toBe(404);
    expect((await s.api('POST', `${base(id)}/check-in`, { token: org.it.token, body: { note: 'x', onTrack: true } })).status).toBe(403);
    expect((await s.api('POST', `${base(id)}/mentor-note`, { token: org.gm.token, body: { note: 'x' } })).status).toBe(404);
    expect((await s.api('POST', `${base(id)}/mentor-note`, { token: org.manager.token, body: { note: 'x' } })).status).toBe(403);
    expect((await s.api('POST', `${base(id)}/review`, { token: org.manager.token, body: { outcome: 'confirm' } })).status).toBe(403);
    expect((await s.api('POST', `${base(id)}/review`, { token: org.otherManager.token, body: { outcome: 'confirm' } })).status).toBe(403);
    expect((await s.api('POST', `/v1/applications/${id}/withdraw`, { token: org.hr.token, body: { reason: 'x' } })).status).toBe(409);

    const checkIn = await s.api('POST', `${base(id)}/check-in`, { token: org.manager.token, body: { note: 'Ramping up well', onTrack: true } });
    expect(checkIn.status, JSON.stringify(checkIn.body)).toBe(200);
    expect(checkIn.body.checkIn).toMatchObject({ note: 'Ramping up well', onTrack: true });
    const again = await s.api('POST', `${base(id)}/check-in`, { token: org.manager.token, body: { note: 'Twice', onTrack: false } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    const note = await s.api('POST', `${base(id)}/mentor-note`, { token: mentor.token, body: { note: 'Pairs well, asks for help early' } });
    expect(note.status, JSON.stringify(note.body)).toBe(200);

    // bad input: 400 and nothing changed
    const before = await status(id);
    for (const [body, path] of [
      [{ outcome: 'maybe' }, 'body.outcome'],
      [{ outcome: 'end' }, 'body.reason'],
      [{ outcome: 'extend', reason: 'More time' }, 'body.endDate'],
      [{ outcome: 'extend', reason: 'More time', endDate: '2099-01-01' }, 'body.endDate'],
      [{ outcome: 'extend', reason: 'More time', endDate: probation.endDate }, 'body.endDate'],
      [{ outcome: 'extend', reason: 'More time', endDate: '31/12/2027' }, 'body.endDate'],
      [{ outcome: 'confirm', endDate: '2099-01-01' }, 'body.endDate'],
    ] as const) {
      const r = await s.api('POST', `${base(id)}/review`, { token: org.hr.token, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await s.api('POST', `${base(id)}/check-in`, { token: org.hr.token, body: { note: '', onTrack: true } })).status).toBe(400);
    const after = await status(id);
    expect(after.stage).toBe('probation');
    expect(after.probation).toEqual(before.probation);
    expect(after.timeline.length).toBe(before.timeline.length);

    const confirmed = await s.api('POST', `${base(id)}/review`, { token: org.hr.token, body: { outcome: 'confirm' } });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ stage: 'confirmed', probation: { review: { outcome: 'confirm' } } });
    await waitForStage(s, id, 'confirmed', org.hr.token);
    const emp = await s.api('GET', `/v1/employees/${employeeId}`, { token: org.hr.token });
    expect(emp.body).toMatchObject({ status: 'active', stage: 'confirmed' });
    expect((await s.api('POST', `${base(id)}/review`, { token: org.hr.token, body: { outcome: 'end', reason: 'x' } })).status).toBe(409);
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual(['probation.confirmed']);
    expect(events[0]!.data).toMatchObject({ employeeId, startDate: probation.startDate, endDate: probation.endDate, extended: false });
  });

  it('extended once (bounded), a second extension refused, then ended: the employee ended too', async () => {
    const { id, employeeId, probation } = await toProbation('Eva Extended');
    const newEnd = new Date(Date.parse(`${probation.endDate}T00:00:00Z`) + 31 * 86_400_000).toISOString().slice(0, 10);
    const ext = await s.api('POST', `${base(id)}/review`, { token: org.hr.token, body: { outcome: 'extend', endDate: newEnd, reason: 'Needs more time on systems' } });
    expect(ext.status, JSON.stringify(ext.body)).toBe(200);
    expect(ext.body).toMatchObject({ stage: 'probation', probation: { endDate: newEnd, extension: { previousEndDate: probation.endDate, endDate: newEnd } } });

    const later = new Date(Date.parse(`${newEnd}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const before = await status(id);
    const twice = await s.api('POST', `${base(id)}/review`, { token: org.hr.token, body: { outcome: 'extend', endDate: later, reason: 'Again' } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/already extended once/);
    expect((await status(id)).probation).toEqual(before.probation);

    const ended = await s.api('POST', `${base(id)}/review`, { token: org.hr.token, body: { outcome: 'end', reason: 'Not meeting the bar' } });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body.stage).toBe('probation_failed');
    await waitForStage(s, id, 'probation_failed', org.hr.token);
    const emp = await s.api('GET', `/v1/employees/${employeeId}`, { token: org.hr.token });
    expect(emp.body).toMatchObject({ status: 'ended', stage: 'probation_failed' });
    const events = await eventually(async () => {
      const got = await eventsOf(id);
      return got.length >= 2 ? got : null;
    }, 20_000);
    expect(events.map((e) => e.type)).toEqual(['probation.extended', 'probation.ended']);
    expect(events[0]!.data).toMatchObject({ previousEndDate: probation.endDate, endDate: newEnd });
    expect(events[1]!.data).toMatchObject({ extended: true, reason: 'Not meeting the bar' });
  });
});
