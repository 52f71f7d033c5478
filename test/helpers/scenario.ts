/**
 * Applications brought to a given stage quickly, for tests that need many of them at
 * different points (the roles matrix, the property tests, the abuse tests), and the
 * candidates' signed links minted with the stack's secret (the same tokens the e-mails
 * carry, without reading the e-mails).
 *
 * The quick job: one approval level (the general manager), an HR evaluation is enough
 * for the decision, and a mentor of its own for new hires.
 */
import { expect } from 'vitest';
import { OFFER_TOKEN_PURPOSE, PORTAL_TOKEN_PURPOSE, signToken } from '../../shared/links';
import { OFFER } from './journey';
import { multipart } from './multipart';
import { application, JOB, type Org } from './org';
import { eventually, type Stack } from './stack';

const DAY_S = 86_400;
let seq = 0;

export async function quickJob(s: Stack, org: Org, over: Record<string, unknown> = {}): Promise<string> {
  const res = await s.api('POST', '/v1/jobs', {
    token: org.hr.token,
    body: {
      ...JOB(org.departmentId),
      title: 'Platform Engineer',
      approvalChain: [{ approvers: [org.gm.id], quorum: 'any' }],
      evaluation: { requireHr: true, requireHiringManager: false },
      ...over,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

export interface Candidate {
  id: string;
  workflowId: string;
  name: string;
  email: string;
}

export async function status(s: Stack, org: Org, id: string) {
  const r = await s.api('GET', `/v1/applications/${id}`, { token: org.hr.token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export async function until(s: Stack, org: Org, id: string, what: string, ok: (st: any) => boolean, timeoutMs = 30_000) {
  try {
    return await eventually(async () => {
      const st = await status(s, org, id);
      return ok(st) ? st : null;
    }, timeoutMs);
  } catch (e) {
    const st = await status(s, org, id).catch(() => null);
    throw new Error(`${id}: ${what} not reached (stage ${st?.stage}): ${(e as Error).message}`);
  }
}

export const atStage = (s: Stack, org: Org, id: string, stage: string) => until(s, org, id, stage, (st) => st.stage === stage);

export async function submitted(
  s: Stack,
  org: Org,
  jobId: string,
  profile: 'strong' | 'contradictory' = 'strong',
): Promise<Candidate> {
  seq += 1;
  const name = `Cand ${String.fromCharCode(65 + (seq % 26))}${seq} Test`;
  const email = `cand${seq}.${Date.now()}@candidates.example.com`;
  const res = await s.api('POST', '/v1/applications', {
    token: org.integrator.token,
    body: application(jobId, profile, { candidate: { name, email, locale: 'en' } }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return { id: res.body.id, workflowId: res.body.workflowId, name, email };
}

export async function inEvaluation(s: Stack, org: Org, jobId: string) {
  const c = await submitted(s, org, jobId);
  await atStage(s, org, c.id, 'evaluation');
  return c;
}

/** A contradictory application waiting in discrepancy_review, with the id of a high discrepancy. */
export async function inDiscrepancyReview(s: Stack, org: Org, jobId: string) {
  const c = await submitted(s, org, jobId, 'contradictory');
  const st = await atStage(s, org, c.id, 'discrepancy_review');
  const d = (st.discrepancies as { id: string; severity: string; resolution: unknown }[]).find((x) => x.severity === 'high' && !x.resolution);
  expect(d, JSON.stringify(st.discrepancies)).toBeDefined();
  return { ...c, discrepancyId: d!.id };
}

/** HR evaluated (enough on the quick job): waiting in `decision`. */
export async function inDecision(s: Stack, org: Org, jobId: string) {
  const c = await inEvaluation(s, org, jobId);
  const ev = await s.api('POST', `/v1/applications/${c.id}/evaluations`, {
    token: org.hr.token,
    body: { ratings: { programming: 'good', systems: 'good', teamwork: 'excellent' }, recommendation: 'advance' },
  });
  expect(ev.status, JSON.stringify(ev.body)).toBe(200);
  await atStage(s, org, c.id, 'decision');
  return c;
}

export async function inDrafting(s: Stack, org: Org, jobId: string) {
  const c = await inDecision(s, org, jobId);
  const d = await s.api('POST', `/v1/applications/${c.id}/decision`, { token: org.hr.token, body: { decision: 'advance' } });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  await atStage(s, org, c.id, 'offer_drafting');
  return c;
}

export async function withDraft(s: Stack, org: Org, jobId: string) {
  const c = await inDrafting(s, org, jobId);
  const r = await s.api('PUT', `/v1/applications/${c.id}/offer`, { token: org.hr.token, body: OFFER() });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return c;
}

/** Submitted for approval, its first level pending. */
export async function inApproval(s: Stack, org: Org, jobId: string) {
  const c = await withDraft(s, org, jobId);
  const r = await s.api('POST', `/v1/applications/${c.id}/offer/submit`, { token: org.hr.token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  await until(s, org, c.id, 'a pending approval level', (st) => st.stage === 'offer_approval' && st.offer.current?.levels[0]?.status === 'pending');
  return c;
}

/** Approved by the general manager (the quick job's only level) and sent. */
export async function offerSent(s: Stack, org: Org, jobId: string) {
  const c = await inApproval(s, org, jobId);
  const r = await s.api('POST', `/v1/applications/${c.id}/offer/approvals`, { token: org.gm.token, body: { decision: 'approve' } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  await until(s, org, c.id, 'offer sent', (st) => st.stage === 'offer_sent' && st.offer.current?.status === 'sent');
  return { ...c, offerToken: offerToken(s, c.id) };
}

/** Accepted with the candidate's link: an employee in onboarding, with a portal link. */
export async function onboarded(s: Stack, org: Org, jobId: string) {
  const c = await offerSent(s, org, jobId);
  const r = await s.api('POST', `/v1/candidate/offer/accept?token=${c.offerToken}`, {
    token: null,
    body: { signatureName: c.name, consent: true },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const st = await atStage(s, org, c.id, 'onboarding');
  return { ...c, employeeId: st.onboarding.employeeId as string, portalToken: portalToken(s, c.id) };
}

function secret(s: Stack): string {
  const k = s.config.linkSigningSecret;
  if (!k) throw new Error('the stack has no LINK_SIGNING_SECRET');
  return k;
}

/** The offer link token for a version, valid for `validForSeconds` (negative: already expired). */
export function offerToken(s: Stack, applicationId: string, version = 1, validForSeconds = 7 * DAY_S): string {
  return signToken(secret(s), {
    purpose: OFFER_TOKEN_PURPOSE,
    sub: applicationId,
    v: version,
    exp: Math.floor(Date.now() / 1000) + validForSeconds,
  });
}

export function portalToken(s: Stack, applicationId: string, validForSeconds = 120 * DAY_S): string {
  return signToken(secret(s), { purpose: PORTAL_TOKEN_PURPOSE, sub: applicationId, exp: Math.floor(Date.now() / 1000) + validForSeconds });
}

/**
 * The token with one character of its MAC changed (not the last character, whose spare
 * bits could keep the bytes the same): still well-formed, no longer genuine.
 */
export function tamper(token: string): string {
  const i = token.length - 5;
  const c = token[i] === 'A' ? 'B' : 'A';
  return `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
}

/** A new hire's upload through their portal link: 201 with the document's id. */
export async function uploadDocument(s: Stack, portalToken: string, kind: string, filename: string, contentType: string, bytes: Uint8Array): Promise<{ id: string }> {
  const m = multipart({ kind }, { field: 'file', filename, contentType, bytes });
  const r = await s.app.inject({ method: 'POST', url: `/v1/candidate/documents?token=${portalToken}`, payload: m.payload, headers: m.headers });
  expect(r.statusCode, r.body).toBe(201);
  return JSON.parse(r.body) as { id: string };
}
