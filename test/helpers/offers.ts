/** Shared by the offer integration tests: jobs with their own chains, mail lookups, approvals. */
import { expect } from 'vitest';
import { sql } from 'drizzle-orm';
import type { TCreateApplication } from '../../domain/contracts/application';
import { JOB, type Org } from './org';
import { OFFER, toOfferDrafting, waitForStage } from './journey';
import type { TReceivedMail, TTestSmtpServer } from './smtp';
import { eventually, type Stack } from './stack';

/** Creates a job (as HR) like the org's default one, with overrides (chain, above-band approver, timers). */
export async function createJob(s: Stack, org: Org, over: Record<string, unknown>): Promise<string> {
  const res = await s.api('POST', '/v1/jobs', { token: org.hr.token, body: { ...JOB(org.departmentId), ...over } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** Brings an application for `jobId` (default: the org's job) to offer_drafting. */
export async function draftingFor(s: Stack, org: Org, name: string, email: string, jobId = org.jobId, over: Partial<TCreateApplication> = {}) {
  return toOfferDrafting(s, org, { jobId, candidate: { name, email, locale: 'en' }, ...over });
}

/** Drafts v1 with `offer` overrides and submits it; returns the submit response body. */
export async function draftAndSubmit(s: Stack, org: Org, id: string, offer: Record<string, unknown> = {}) {
  const draft = await s.api('PUT', `/v1/applications/${id}/offer`, { token: org.hr.token, body: OFFER(offer) });
  expect(draft.status, JSON.stringify(draft.body)).toBe(200);
  const submit = await s.api('POST', `/v1/applications/${id}/offer/submit`, { token: org.hr.token });
  expect(submit.status, JSON.stringify(submit.body)).toBe(200);
  await waitForStage(s, id, 'offer_approval', org.hr.token);
  await waitForLevel(s, org, id, 0);
  return submit.body as { version: number; levels: { approvers: string[]; reason: string; required: number; status: string }[] };
}

/** Waits until approval level `index` (0-based) of the current version is the pending one. */
export async function waitForLevel(s: Stack, org: Org, id: string, index: number) {
  return eventually(async () => {
    const st = await status(s, org, id);
    return st.offer.current?.levels[index]?.status === 'pending' ? st : null;
  });
}

export async function emailOf(s: Stack, userId: string): Promise<string> {
  const [row] = await s.db.handle.rows<{ email: string }>(sql`select email from users where id = ${userId}`);
  if (!row) throw new Error(`no user ${userId}`);
  return row.email;
}

/** Mails to `address` whose subject matches. */
export function mailsTo(smtp: TTestSmtpServer, address: string, subject: RegExp): TReceivedMail[] {
  return smtp.to(address).filter((m) => subject.test(m.parsed.subject ?? ''));
}

/** Waits for exactly-at-least `n` matching mails and returns them. */
export async function waitForMails(smtp: TTestSmtpServer, address: string, subject: RegExp, n = 1, timeoutMs = 20_000) {
  try {
    return await eventually(async () => {
      const m = mailsTo(smtp, address, subject);
      return m.length >= n ? m : null;
    }, timeoutMs);
  } catch {
    const got = smtp.to(address).map((m) => m.parsed.subject);
    throw new Error(`expected ${n} mail(s) to ${address} matching ${subject}; got ${JSON.stringify(got)}`);
  }
}

/** The offer token in an offer e-mail. */
export function tokenIn(mail: TReceivedMail): string {
  const m = /\/offers\/([A-Za-z0-9_.-]+)/.exec(mail.parsed.text ?? '');
  if (!m) throw new Error(`no offer link in "${mail.parsed.subject}"`);
  return m[1]!;
}

/** The application ids in the caller's GET /v1/approvals. */
export async function approvalsOf(s: Stack, token: string): Promise<string[]> {
  const r = await s.api('GET', '/v1/approvals', { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.items as { applicationId: string }[]).map((i) => i.applicationId);
}

export async function status(s: Stack, org: Org, id: string) {
  const r = await s.api('GET', `/v1/applications/${id}`, { token: org.hr.token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export const approve = (s: Stack, id: string, token: string, body: Record<string, unknown> = {}) =>
  s.api('POST', `/v1/applications/${id}/offer/approvals`, { token, body: { decision: 'approve', ...body } });

export type TTimelineEntry = { type: string; at: string; actor: { id: string; name: string } | 'system'; detail?: Record<string, unknown> };
export const entries = (st: { timeline: TTimelineEntry[] }, type: string) => st.timeline.filter((t) => t.type === type);
