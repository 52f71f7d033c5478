/**
 * Bad input, generated (fast-check): for every route that takes input (body, query or
 * path), requests built from the route's purpose, some valid, most bent: wrong types,
 * huge and unicode strings, NaN-like and SQL-looking text, deep nesting, raw malformed
 * JSON, random multipart, bad and wrong-purpose tokens. Two properties per request:
 *
 *   1. never a 5xx;
 *   2. a refused request (4xx) changes nothing: the row counts of the tables the API
 *      writes, the settings, the stored documents, and the human actions recorded by the
 *      workflow the route talks to are the same before and after.
 *
 * Each route runs a bounded number of cases (no shrinking: the first failure is reported
 * with its request) so the file stays under a minute. Every route also runs its fixed
 * `examples` first, so the known edge cases are always tried.
 *
 * The routes come in groups (SPEC_GROUPS); `routeProperties([...groups])` registers a
 * stack with only the applications those groups need, and their tests. This file runs
 * every group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { STAGES } from '../../domain/contracts/application';
import { statusQuery } from '../../workflows/messages';
import { ROLES } from '../../domain/contracts/common';
import { RESOLUTIONS } from '../../domain/discrepancies';
import { RATINGS } from '../../domain/composite';
import { DOCUMENT_KINDS } from '../../domain/onboarding';
import { OFFER } from '../helpers/journey';
import { multipart, JPEG_BYTES, PDF_BYTES, PNG_BYTES } from '../helpers/multipart';
import { application, createOrg, createUser, JOB, type Org } from '../helpers/org';
import {
  inApproval,
  inDiscrepancyReview,
  inDecision,
  inEvaluation,
  offerSent,
  offerToken,
  onboarded,
  portalToken,
  quickJob,
  tamper,
  withDraft,
  type Candidate,
} from '../helpers/scenario';
import { startStack, type Stack } from '../helpers/stack';
import { ContractChecker, type OpenApiDoc } from '../helpers/contract';

const RUNS = 30;

let s: Stack;
let org: Org;
let contract: ContractChecker;
const t = {} as {
  jobId: string;
  disc: Candidate & { discrepancyId: string };
  withdraw: Candidate;
  evaluate: Candidate;
  decide: Candidate;
  draft: Candidate;
  approve: Candidate;
  accept: Candidate & { offerToken: string };
  decline: Candidate & { offerToken: string };
  employee: Candidate & { employeeId: string; portalToken: string; documentId: string };
  webhookId: string | null;
  tables: string[];
  /** Administration targets of their own, so generated changes touch nothing the other specs use. */
  subjectId: string;
  subjectKeyId: string;
  adminDeptId: string;
  adminJobId: string;
};


// ---- What "changed nothing" compares ------------------------------------------------

/**
 * Tables the API writes synchronously, the settings, the stored files and, for a route
 * that talks to a workflow, that workflow's human actions. (Employees and messages are
 * written by the workflows on their own time, so they are not compared.)
 */
async function snapshot(target: Candidate | null): Promise<Record<string, unknown>> {
  const counts = await s.db.handle.rows<Record<string, number | string>>(
    sql.raw(
      `select ${t.tables.map((x) => `(select count(*)::int from "${x}") as "${x}"`).join(', ')}, (select coalesce(max(updated_at)::text, '') from settings) as settings`,
    ),
  );
  const out: Record<string, unknown> = { ...counts[0] };
  if (target) out.humanActions = await humanActions(target);
  return out;
}

/** Workflows that have finished cannot change: their count is read once (a query replays the whole history). */
const finished = new Map<string, number>();

/** Timeline entries made by people (the workflow's own steps after an earlier, accepted request go on meanwhile). */
async function humanActions(target: Candidate): Promise<number> {
  const known = finished.get(target.workflowId);
  if (known !== undefined) return known;
  const handle = s.temporal.workflow.getHandle(target.workflowId);
  const closed = (await handle.describe()).status.name !== 'RUNNING';
  const n = (await handle.query(statusQuery)).timeline.filter((e) => e.actor !== 'system').length;
  if (closed) finished.set(target.workflowId, n);
  return n;
}

// ---- Generators ----------------------------------------------------------------------

const NASTY = [
  "' OR 1=1 --",
  "'; DROP TABLE applications; --",
  '1; DELETE FROM users',
  'NaN',
  '-NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-0',
  '0x1F',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  '\u0000',
  'a\u0000b',
  '\u202egnp.exe',
  '😀🏳️‍🌈',
  '𝕳𝖊𝖑𝖑𝖔',
  '\uFEFF',
  '\uD800',
  'x\uDC00\uD800',
  '%00',
  '%',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${7*7}',
  ' ',
  '',
  '2026-02-30',
  '9999-12-31',
  '0000-00-00',
  '00000000-0000-0000-0000-000000000000',
] as const;

const nasty = fc.constantFrom(...NASTY);
const huge = fc.constantFrom('x'.repeat(10_000), '字'.repeat(3_000), 'a'.repeat(200_001));
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 3, arbitrary: nasty },
  { weight: 1, arbitrary: huge },
);
/** Any JSON value (NaN and Infinity become null in JSON, as they would from a client). */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(text, { maxLength: 3 }) },
);
const orJunk = <T,>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: junk });
const uuidish = (...real: (() => string)[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...real).map((f) => f()) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: text },
  );

/** A body as sent: JSON of a value, or raw text under a JSON content type. */
type Body = { json: unknown } | { raw: string; type?: string } | { form: Record<string, string> } | { multipart: ReturnType<typeof multipart> } | null;

const deepText = (n: number, object: boolean) => (object ? `${'{"a":'.repeat(n)}1${'}'.repeat(n)}` : `${'['.repeat(n)}1${']'.repeat(n)}`);
const rawBodies: fc.Arbitrary<Body> = fc.oneof(
  fc.constantFrom('', '{', '{"a":', 'NaN', 'null', '[]', '"string"', '{"__proto__":{"admin":true}}', '\u0000', '{"a":1}{"b":2}').map((raw) => ({ raw })),
  // Nesting up to 1 000 levels here; deeper is the subject of its own test below.
  fc.tuple(fc.integer({ min: 1, max: 1_000 }), fc.boolean()).map(([n, o]) => ({ raw: deepText(n, o) })),
  fc.string({ maxLength: 200 }).map((raw) => ({ raw, type: 'text/plain' })),
  fc.string({ maxLength: 200 }).map((raw) => ({ raw, type: 'application/x-www-form-urlencoded' })),
);
/** A route's body: a valid one now and then, mostly its own shape bent, sometimes anything at all. */
const bodyOf = (shape: fc.Arbitrary<unknown>, valid?: () => unknown): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: valid ? 2 : 0, arbitrary: fc.constant(null).map(() => ({ json: valid?.() })) },
    { weight: 5, arbitrary: shape.map((json) => ({ json })) },
    { weight: 1, arbitrary: junk.map((json) => ({ json })) },
    { weight: 2, arbitrary: rawBodies },
  );
let uniq = 0;
const unique = () => `${Date.now().toString(36)}${(uniq += 1)}`;
/** Fixed bodies every body route tries first. */
const BODY_EXAMPLES: Body[] = [{ raw: deepText(1_000, false) }, { raw: deepText(1_000, true) }, { raw: '{"a":' }, { raw: '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}' }];

const query = (shape: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(shape, fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 2 })).map(([q, extra]) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...extra, ...q })) {
      if (v === undefined) continue;
      if (Array.isArray(v)) v.forEach((x) => p.append(k, String(x)));
      else p.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    }
    const qs = p.toString();
    return qs ? `?${qs}` : '';
  });
const rec = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) => fc.record(fields, { requiredKeys: [] });

/** Offer drafts, mostly bent (PUT /offer and its preview). */
const offerDrafts = rec({
  position: orJunk(fc.string({ minLength: 1, maxLength: 40 })),
  salary: orJunk(rec({ amount: orJunk(fc.double({ min: -1, max: 1e7 })), currency: orJunk(fc.constantFrom('CNY', 'USD', 'cny')), period: orJunk(fc.constantFrom('year', 'month', 'decade')) })),
  benefits: orJunk(fc.array(text, { maxLength: 3 })),
  startDate: orJunk(fc.constantFrom(OFFER().startDate, '2020-01-01', '2999-12-31', 'tomorrow', '2026-02-30')),
  terms: text,
}).map((o) => ({ ...OFFER(), ...o }));
/** Percent-encodes a path segment byte by byte (lone surrogates go out as U+FFFD, as a client would send them). */
const pct = (v: string) => [...Buffer.from(v, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
const seg = (a: fc.Arbitrary<unknown>) => a.map((v) => pct(typeof v === 'string' ? v : JSON.stringify(v) ?? ''));

/** Who calls: mostly the route's natural caller, sometimes nobody or a stranger. */
type Caller = 'admin' | 'hr' | 'integrator' | 'gm' | 'it' | 'garbage' | 'none';
const callers = (main: Caller) =>
  fc.oneof({ weight: 8, arbitrary: fc.constant(main) }, { weight: 1, arbitrary: fc.constantFrom<Caller>('it', 'garbage', 'none', 'integrator') });
function bearer(c: Caller): string | null {
  switch (c) {
    case 'admin':
      return s.adminToken;
    case 'hr':
      return org.hr.token;
    case 'integrator':
      return org.integrator.token;
    case 'gm':
      return org.gm.token;
    case 'it':
      return org.it.token;
    case 'garbage':
      return `hwe_${'x'.repeat(43)}`;
    case 'none':
      return null;
  }
}

/** A candidate's link, valid, bent, expired or meant for something else. */
const linkToken = (valid: () => string, kind: 'offer' | 'portal', appId: () => string) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(null).map(() => valid()) },
    { weight: 1, arbitrary: fc.constant(null).map(() => tamper(valid())) },
    { weight: 1, arbitrary: fc.constant(null).map(() => (kind === 'offer' ? offerToken(s, appId(), 1, -60) : portalToken(s, appId(), -60))) },
    { weight: 1, arbitrary: fc.constant(null).map(() => (kind === 'offer' ? portalToken(s, appId()) : offerToken(s, appId()))) },
    { weight: 1, arbitrary: fc.constant(null).map(() => offerToken(s, appId(), 99)) },
    { weight: 2, arbitrary: text },
  );

type Case = { url: string; body: Body; caller: Caller };

interface Spec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  route: string;
  /** The request: its path and query, its body and its caller. */
  req: fc.Arbitrary<Case>;
  /** The workflow whose human actions a refusal must leave alone. */
  target?: () => Candidate;
  examples?: Case[];
  runs?: number;
}

const R = (url: fc.Arbitrary<string>, body: fc.Arbitrary<Body>, caller: fc.Arbitrary<Caller>) =>
  fc.record({ url, body, caller });
const noBody = fc.constant<Body>(null);

const competency = rec({
  key: orJunk(fc.constantFrom('programming', 'systems', 'x', 'Bad Key')),
  name: orJunk(fc.string({ minLength: 1, maxLength: 30 })),
  weight: orJunk(fc.double({ min: -1, max: 2000 })),
  requiredLevel: orJunk(fc.double({ min: -10, max: 110 })),
  passScore: orJunk(fc.double({ min: -10, max: 110 })),
  skills: orJunk(fc.array(text, { maxLength: 3 })),
});
const duration = orJunk(fc.constantFrom('1s', '3d', '2bd', '0s', '999999d', '1.5d', '-1d', '7 days'));

type TRouteGroup = 'organisation' | 'jobs' | 'applications' | 'offers' | 'employees' | 'candidates' | 'administration' | 'webhooks';

const SPEC_GROUPS: Record<TRouteGroup, Spec[]> = {
  organisation: [
    {
      method: 'POST',
      route: '/v1/users',
      req: R(
        fc.constant('/v1/users'),
        bodyOf(
          rec({ name: orJunk(fc.string({ minLength: 1, maxLength: 60 })), email: orJunk(fc.emailAddress()), roles: orJunk(fc.subarray([...ROLES], { minLength: 1 })), departmentId: uuidish(() => org.departmentId) }),
          () => ({ name: 'Prop User', email: `prop.${unique()}@example.com`, roles: ['hr'] }),
        ),
        callers('admin'),
      ),
    },
    {
      method: 'POST',
      route: '/v1/departments',
      req: R(
        fc.constant('/v1/departments'),
        bodyOf(
          rec({
            name: orJunk(fc.string({ minLength: 1, maxLength: 60 })),
            managerUserId: uuidish(() => org.manager.id, () => org.hr.id),
            defaultCourses: orJunk(fc.array(rec({ key: orJunk(fc.constantFrom('intro', 'Bad')), title: text, passScore: orJunk(fc.integer({ min: -5, max: 105 })), required: junk }), { maxLength: 2 })),
          }),
          () => ({ name: `Prop ${unique()}`, managerUserId: org.manager.id }),
        ),
        callers('admin'),
      ),
    },
    {
      method: 'PUT',
      route: '/v1/settings',
      req: R(
        fc.constant('/v1/settings'),
        bodyOf(
          rec({
            companyName: orJunk(fc.string({ minLength: 1, maxLength: 40 })),
            companyAddress: orJunk(fc.string({ minLength: 1, maxLength: 60 })),
            logoPngBase64: orJunk(fc.constantFrom('iVBORw0KGgoAAAANSUhEUg==', 'not-a-png')),
            generalManagerUserId: uuidish(() => org.gm.id),
            defaults: orJunk(
              rec({
                weights: orJunk(rec({ ai: orJunk(fc.double({ min: -1, max: 2 })), human: orJunk(fc.double({ min: -1, max: 2 })) })),
                timers: orJunk(rec({ decisionPromise: duration, offerExpiry: duration, offerReminder: duration })),
                locale: orJunk(fc.constantFrom('en', 'zh-CN')),
                courseMaxAttempts: orJunk(fc.integer({ min: -1, max: 20 })),
                employeeNumberFormat: orJunk(fc.constantFrom('E{year}-{seq:5}', '{seq}', 'no-seq', '{seq:9}')),
              }),
            ),
          }),
          () => ({ companyName: 'Acme Robotics', companyAddress: '1 Harbour Road, Shanghai', generalManagerUserId: org.gm.id }),
        ),
        callers('admin'),
      ),
      runs: 25,
    },

  ],
  jobs: [
    {
      method: 'POST',
      route: '/v1/jobs',
      req: R(
        fc.constant('/v1/jobs'),
        bodyOf(
          fc
            .record({
              over: rec({
                title: orJunk(fc.string({ minLength: 1, maxLength: 40 })),
                departmentId: uuidish(() => org.departmentId),
                competencies: orJunk(fc.array(competency, { minLength: 1, maxLength: 3 })),
                salaryBand: orJunk(rec({ min: orJunk(fc.double()), max: orJunk(fc.double()), currency: orJunk(fc.constantFrom('CNY', 'usd', 'EURO')), period: orJunk(fc.constantFrom('year', 'week')) })),
                approvalChain: orJunk(fc.array(rec({ approvers: orJunk(fc.array(uuidish(() => org.gm.id), { maxLength: 3 })), quorum: orJunk(fc.constantFrom('any', 'all', 0, 1, 5)) }), { maxLength: 2 })),
                timers: orJunk(rec({ offerExpiry: duration, offerReminder: duration, evaluationReminder: duration })),
                weights: orJunk(rec({ ai: orJunk(fc.double()), human: orJunk(fc.double()) })),
                onboarding: orJunk(rec({ tasks: orJunk(fc.array(rec({ key: orJunk(fc.constantFrom('x', 'x', 'Bad')), title: text, assignee: orJunk(fc.constantFrom('it', 'candidate', 'ceo')), dueDaysFromStart: orJunk(fc.integer({ min: -100, max: 400 })) }), { maxLength: 2 })), mentorUserId: uuidish(() => org.manager.id) })),
              }),
            })
            .map(({ over }) => ({ ...JOB(org.departmentId), ...over })),
          () => JOB(org.departmentId),
        ),
        callers('hr'),
      ),
    },
    { method: 'GET', route: '/v1/jobs', req: R(query(rec({ departmentId: uuidish(() => org.departmentId) })).map((q) => `/v1/jobs${q}`), noBody, callers('hr')) },
    { method: 'GET', route: '/v1/jobs/:id', req: R(seg(uuidish(() => t.jobId)).map((id) => `/v1/jobs/${id}`), noBody, callers('hr')) },
    {
      method: 'GET',
      route: '/v1/jobs/:id/ranking',
      req: R(
        fc
          .tuple(
            seg(uuidish(() => t.jobId)),
            query(
              rec({
                limit: orJunk(fc.integer({ min: -5, max: 300 })),
                includeClosed: orJunk(fc.constantFrom('true', 'false', 'yes')),
                cursor: orJunk(fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url'))),
              }),
            ),
          )
          .map(([id, q]) => `/v1/jobs/${id}/ranking${q}`),
        noBody,
        callers('hr'),
      ),
    },
    { method: 'GET', route: '/v1/jobs/:id/question-stats', req: R(seg(uuidish(() => t.jobId)).map((id) => `/v1/jobs/${id}/question-stats`), noBody, callers('hr')) },

  ],
  applications: [
    {
      method: 'POST',
      route: '/v1/applications',
      req: R(
        fc.constant('/v1/applications'),
        bodyOf(
          fc
            .record({
              jobId: uuidish(() => t.jobId),
              candidate: orJunk(rec({ name: orJunk(fc.string({ minLength: 1, maxLength: 40 })), email: orJunk(fc.emailAddress()), phone: orJunk(fc.constantFrom('+8613800000000', '12', 'phone')), locale: orJunk(fc.constantFrom('en', 'zh-CN', 'fr')) })),
              externalId: orJunk(fc.string({ minLength: 1, maxLength: 20 })),
              accuracy: orJunk(fc.double({ min: -1, max: 2 })),
              skillScores: orJunk(fc.dictionary(text, orJunk(fc.double({ min: -10, max: 110 })), { maxKeys: 3 })),
              skills: orJunk(fc.array(rec({ name: text, level: orJunk(fc.constantFrom('expert', 'guru')), years: orJunk(fc.double({ min: -1, max: 80 })) }), { maxLength: 3 })),
            })
            .map(({ jobId, candidate, externalId, accuracy, skillScores, skills }) => {
              const a: any = application(t.jobId, 'average');
              return {
                ...a,
                jobId,
                ...(candidate !== undefined ? { candidate } : {}),
                ...(externalId !== undefined ? { externalId } : {}),
                resume: { ...a.resume, ...(skills !== undefined ? { skills } : {}) },
                interview: { ...a.interview, ...(accuracy !== undefined ? { accuracy } : {}), ...(skillScores !== undefined ? { skillScores } : {}) },
              };
            }),
          () => application(t.jobId, 'average', { candidate: { name: 'Prop Applicant', email: `prop.${unique()}@candidates.example.com` } }),
        ),
        callers('integrator'),
      ),
      runs: 25,
    },
    {
      method: 'GET',
      route: '/v1/applications',
      req: R(
        query(
          rec({
            jobId: uuidish(() => t.jobId),
            stage: orJunk(fc.constantFrom(...STAGES)),
            departmentId: uuidish(() => org.departmentId),
            limit: orJunk(fc.integer({ min: -5, max: 300 })),
            cursor: orJunk(
              fc
                .record({ t: orJunk(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), id: uuidish(() => t.jobId) })
                .map((c) => Buffer.from(JSON.stringify(c)).toString('base64url')),
            ),
          }),
        ).map((q) => `/v1/applications${q}`),
        noBody,
        callers('hr'),
      ),
    },
    { method: 'GET', route: '/v1/applications/:id', req: R(seg(uuidish(() => t.evaluate.id)).map((id) => `/v1/applications/${id}`), noBody, callers('hr')) },
    { method: 'GET', route: '/v1/applications/:id/report', req: R(seg(uuidish(() => t.evaluate.id)).map((id) => `/v1/applications/${id}/report`), noBody, callers('hr')) },
    {
      method: 'GET',
      route: '/v1/applications/:id/messages',
      req: R(
        fc.tuple(seg(uuidish(() => t.evaluate.id)), query(rec({ includeBodies: orJunk(fc.constantFrom('true', 'false')) }))).map(([id, q]) => `/v1/applications/${id}/messages${q}`),
        noBody,
        callers('hr'),
      ),
    },
    {
      method: 'POST',
      route: '/v1/applications/:id/discrepancies/:discrepancyId/resolution',
      target: () => t.disc,
      req: R(
        fc
          .tuple(seg(uuidish(() => t.disc.id)), seg(fc.oneof(fc.constant(null).map(() => t.disc.discrepancyId), text)))
          .map(([id, d]) => `/v1/applications/${id}/discrepancies/${d}/resolution`),
        bodyOf(rec({ resolution: orJunk(fc.constantFrom(...RESOLUTIONS)), note: text })),
        callers('hr'),
      ),
    },
    {
      method: 'POST',
      route: '/v1/applications/:id/withdraw',
      target: () => t.withdraw,
      req: R(seg(uuidish(() => t.withdraw.id)).map((id) => `/v1/applications/${id}/withdraw`), bodyOf(rec({ reason: text })), callers('integrator')),
    },
    {
      method: 'POST',
      route: '/v1/applications/:id/evaluations',
      target: () => t.evaluate,
      req: R(
        seg(uuidish(() => t.evaluate.id)).map((id) => `/v1/applications/${id}/evaluations`),
        bodyOf(
          rec({
            ratings: orJunk(
              fc.oneof(
                rec({ programming: orJunk(fc.constantFrom(...RATINGS)), systems: orJunk(fc.constantFrom(...RATINGS)), teamwork: orJunk(fc.constantFrom(...RATINGS)) }),
                fc.dictionary(text, orJunk(fc.constantFrom(...RATINGS)), { maxKeys: 4 }),
              ),
            ),
            comment: text,
            recommendation: orJunk(fc.constantFrom('advance', 'reject')),
          }),
        ),
        callers('hr'),
      ),
    },
    {
      method: 'POST',
      route: '/v1/applications/:id/decision',
      target: () => t.decide,
      req: R(
        seg(uuidish(() => t.decide.id)).map((id) => `/v1/applications/${id}/decision`),
        // mostly refusable decisions, so the application stays in `decision` for more cases
        bodyOf(rec({ decision: orJunk(fc.constantFrom('advance', 'reject', 'maybe', 'ADVANCE')), reason: text })),
        callers('hr'),
      ),
    },

  ],
  offers: [
    {
      method: 'PUT',
      route: '/v1/applications/:id/offer',
      target: () => t.draft,
      req: R(
        seg(uuidish(() => t.draft.id)).map((id) => `/v1/applications/${id}/offer`),
        bodyOf(offerDrafts),
        callers('hr'),
      ),
      runs: 25,
    },
    // The console's previews (nothing changes) and the offer documents (api/routes/offer-documents.ts).
    {
      method: 'POST',
      route: '/v1/applications/:id/offer/preview',
      target: () => t.draft,
      req: R(
        seg(uuidish(() => t.draft.id)).map((id) => `/v1/applications/${id}/offer/preview`),
        bodyOf(offerDrafts),
        callers('hr'),
      ),
      runs: 15,
    },
    {
      method: 'POST',
      route: '/v1/applications/:id/decision/feedback-preview',
      target: () => t.decide,
      req: R(
        seg(uuidish(() => t.decide.id)).map((id) => `/v1/applications/${id}/decision/feedback-preview`),
        bodyOf(rec({ locale: orJunk(fc.constantFrom('en', 'zh-CN', 'fr')) })),
        callers('hr'),
      ),
      runs: 15,
    },
    ...(['letter', 'signed'] as const).map((kind) => ({
      method: 'GET' as const,
      route: `/v1/applications/:id/offer/${kind}`,
      req: R(
        fc.tuple(seg(uuidish(() => t.employee.id)), query(rec({ version: orJunk(fc.constantFrom('1', '2', '0')) }))).map(([id, q]) => `/v1/applications/${id}/offer/${kind}${q}`),
        noBody,
        callers('hr'),
      ),
      runs: 15,
    })),
    {
      method: 'POST',
      route: '/v1/applications/:id/offer/submit',
      target: () => t.draft,
      req: R(seg(uuidish(() => t.draft.id)).map((id) => `/v1/applications/${id}/offer/submit`), bodyOf(junk), callers('hr')),
      runs: 20,
    },
    {
      method: 'POST',
      route: '/v1/applications/:id/offer/approvals',
      target: () => t.approve,
      req: R(
        seg(uuidish(() => t.approve.id)).map((id) => `/v1/applications/${id}/offer/approvals`),
        bodyOf(rec({ decision: orJunk(fc.constantFrom('approve', 'reject', 'abstain')), comment: text, version: orJunk(fc.integer({ min: -1, max: 5 })) })),
        callers('gm'),
      ),
    },
    {
      method: 'POST',
      route: '/v1/applications/:id/offer/approvals/delegate',
      target: () => t.approve,
      req: R(
        seg(uuidish(() => t.approve.id)).map((id) => `/v1/applications/${id}/offer/approvals/delegate`),
        bodyOf(rec({ fromUserId: uuidish(() => org.gm.id, () => org.hr.id), toUserId: uuidish(() => org.manager.id, () => org.gm.id) })),
        callers('hr'),
      ),
    },

  ],
  employees: [
    { method: 'GET', route: '/v1/employees/:id', req: R(seg(uuidish(() => t.employee.employeeId)).map((id) => `/v1/employees/${id}`), noBody, callers('hr')) },
    {
      method: 'POST',
      route: '/v1/employees/:id/onboarding/tasks/:taskKey/complete',
      target: () => t.employee,
      req: R(
        fc
          .tuple(seg(uuidish(() => t.employee.employeeId)), seg(orJunk(fc.constantFrom('computer', 'badge', 'accounts', 'mentor_meeting', 'id_copy', 'nope'))))
          .map(([id, k]) => `/v1/employees/${id}/onboarding/tasks/${k}/complete`),
        bodyOf(rec({ note: text })),
        callers('it'),
      ),
    },
    {
      method: 'POST',
      route: '/v1/employees/:id/courses/:courseKey/result',
      target: () => t.employee,
      req: R(
        fc.tuple(seg(uuidish(() => t.employee.employeeId)), seg(orJunk(fc.constantFrom('orientation', 'security')))).map(([id, k]) => `/v1/employees/${id}/courses/${k}/result`),
        bodyOf(rec({ score: orJunk(fc.double({ min: -50, max: 150 })) })),
        callers('integrator'),
      ),
    },
    {
      method: 'POST',
      route: '/v1/employees/:id/documents/:documentId/reject',
      target: () => t.employee,
      req: R(
        fc
          .tuple(seg(uuidish(() => t.employee.employeeId)), seg(uuidish(() => t.employee.documentId)))
          .map(([id, d]) => `/v1/employees/${id}/documents/${d}/reject`),
        bodyOf(rec({ reason: text })),
        callers('hr'),
      ),
    },
    {
      method: 'GET',
      route: '/v1/employees/:id/documents/:documentId',
      req: R(
        fc.tuple(seg(uuidish(() => t.employee.employeeId)), seg(uuidish(() => t.employee.documentId))).map(([id, d]) => `/v1/employees/${id}/documents/${d}`),
        noBody,
        callers('hr'),
      ),
    },

  ],
  candidates: [
    {
      method: 'GET',
      route: '/v1/candidate/offer',
      req: R(query(rec({ token: linkToken(() => t.accept.offerToken, 'offer', () => t.accept.id) })).map((q) => `/v1/candidate/offer${q}`), noBody, callers('none')),
    },
    {
      method: 'GET',
      route: '/v1/candidate/offer.pdf',
      req: R(
        query(rec({ token: linkToken(() => t.accept.offerToken, 'offer', () => t.accept.id), copy: orJunk(fc.constantFrom('letter', 'signed')) })).map((q) => `/v1/candidate/offer.pdf${q}`),
        noBody,
        callers('none'),
      ),
    },
    {
      method: 'POST',
      route: '/v1/candidate/offer/accept',
      target: () => t.accept,
      req: R(
        query(rec({ token: linkToken(() => t.accept.offerToken, 'offer', () => t.accept.id) })).map((q) => `/v1/candidate/offer/accept${q}`),
        // a real name with consent would accept: kept rare so most cases probe the refusals
        bodyOf(
          rec({ signatureName: orJunk(fc.oneof({ weight: 1, arbitrary: fc.constant(null).map(() => t.accept.name.toUpperCase()) }, { weight: 6, arbitrary: text })), consent: orJunk(fc.constantFrom(true, false, 'true')) }),
          () => ({ signatureName: ` ${t.accept.name} `, consent: true }),
        ),
        callers('none'),
      ),
    },
    {
      method: 'POST',
      route: '/v1/candidate/offer/decline',
      target: () => t.decline,
      req: R(
        query(rec({ token: linkToken(() => t.decline.offerToken, 'offer', () => t.decline.id) })).map((q) => `/v1/candidate/offer/decline${q}`),
        bodyOf(rec({ reason: text })),
        callers('none'),
      ),
    },
    {
      method: 'GET',
      route: '/offers/:token',
      req: R(seg(linkToken(() => t.accept.offerToken, 'offer', () => t.accept.id)).map((tok) => `/offers/${tok}`), noBody, callers('none')),
    },
    {
      method: 'POST',
      route: '/offers/:token',
      target: () => t.decline,
      req: R(
        seg(linkToken(() => t.decline.offerToken, 'offer', () => t.decline.id)).map((tok) => `/offers/${tok}`),
        fc.oneof(
          rec({ action: orJunk(fc.constantFrom('accept', 'decline', 'delete')), signatureName: text, consent: orJunk(fc.constantFrom('true', 'on')), reason: text }).map(
            (f): Body => ({ form: Object.fromEntries(Object.entries(f).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? ''])) }),
          ),
          bodyOf(junk),
        ),
        callers('none'),
      ),
    },
    {
      method: 'POST',
      route: '/v1/candidate/documents',
      target: () => t.employee,
      req: R(
        query(rec({ token: linkToken(() => t.employee.portalToken, 'portal', () => t.employee.id) })).map((q) => `/v1/candidate/documents${q}`),
        fc.oneof(
          { weight: 4, arbitrary: fc
            .record({
              kind: orJunk(fc.constantFrom(...DOCUMENT_KINDS)),
              head: fc.constantFrom(PDF_BYTES, PNG_BYTES, JPEG_BYTES, new TextEncoder().encode('MZ'), new Uint8Array(0)),
              tail: fc.uint8Array({ maxLength: 64 }),
              filename: fc.oneof(fc.constantFrom('doc.pdf', '../../x.pdf', 'a"b.pdf', '文件.png', ''), fc.string({ maxLength: 30 })),
              contentType: fc.constantFrom('application/pdf', 'image/png', 'text/html', 'application/x-msdownload'),
              withFile: fc.boolean(),
            })
            .map(({ kind, head, tail, filename, contentType, withFile }): Body => {
              const bytes = new Uint8Array(head.length + tail.length);
              bytes.set(head);
              bytes.set(tail, head.length);
              const fields: Record<string, string> = kind === undefined ? {} : { kind: typeof kind === 'string' ? kind : JSON.stringify(kind) ?? '' };
              return { multipart: multipart(fields, withFile ? { field: 'file', filename, contentType, bytes } : undefined) };
            }) },
          { weight: 1, arbitrary: fc.string({ maxLength: 100 }).map((raw): Body => ({ raw, type: 'multipart/form-data; boundary=zzz' })) },
          { weight: 1, arbitrary: bodyOf(junk) },
        ),
        callers('none'),
      ),
    },
    {
      method: 'GET',
      route: '/portal/:token',
      req: R(seg(linkToken(() => t.employee.portalToken, 'portal', () => t.employee.id)).map((tok) => `/portal/${tok}`), noBody, callers('none')),
    },
    { method: 'GET', route: '/t/:file', req: R(seg(fc.oneof(text, text.map((x) => `${x}.gif`))).map((f) => `/t/${f}`), noBody, callers('none')) },

  ],
  administration: [
    {
      method: 'PATCH',
      route: '/v1/users/:id',
      req: R(
        seg(uuidish(() => t.subjectId)).map((id) => `/v1/users/${id}`),
        bodyOf(
          rec({
            name: orJunk(fc.string({ minLength: 1, maxLength: 60 })),
            email: orJunk(fc.emailAddress()),
            roles: orJunk(fc.subarray([...ROLES], { minLength: 1 })),
            departmentId: fc.oneof(uuidish(() => org.departmentId), fc.constant(null)),
            active: orJunk(fc.boolean()),
          }),
          () => ({ name: `Prop Subject ${unique()}` }),
        ),
        callers('admin'),
      ),
    },
    {
      method: 'POST',
      route: '/v1/users/:id/api-keys',
      req: R(
        seg(uuidish(() => t.subjectId)).map((id) => `/v1/users/${id}/api-keys`),
        bodyOf(
          rec({
            name: orJunk(fc.string({ minLength: 1, maxLength: 60 })),
            scopes: orJunk(fc.subarray(['applications:read', 'lms:write', 'webhooks:manage', 'root', ''])),
            expiresAt: orJunk(fc.constantFrom('2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z', 'tomorrow')),
          }),
          () => ({ name: `prop ${unique()}`, scopes: ['applications:read'] }),
        ),
        callers('admin'),
      ),
    },
    { method: 'GET', route: '/v1/users/:id/api-keys', req: R(seg(uuidish(() => t.subjectId)).map((id) => `/v1/users/${id}/api-keys`), noBody, callers('admin')) },
    { method: 'DELETE', route: '/v1/api-keys/:id', req: R(seg(uuidish(() => t.subjectKeyId)).map((id) => `/v1/api-keys/${id}`), noBody, callers('admin')), runs: 20 },
    {
      method: 'PATCH',
      route: '/v1/departments/:id',
      req: R(
        seg(uuidish(() => t.adminDeptId)).map((id) => `/v1/departments/${id}`),
        bodyOf(
          rec({
            name: orJunk(fc.string({ minLength: 1, maxLength: 60 })),
            managerUserId: uuidish(() => org.manager.id, () => org.hr.id),
            defaultCourses: fc.oneof(fc.constant(null), orJunk(fc.array(rec({ key: orJunk(fc.constantFrom('intro', 'Bad')), title: text, passScore: orJunk(fc.integer({ min: -5, max: 105 })) }), { maxLength: 2 }))),
          }),
          () => ({ name: `Prop Dept ${unique()}` }),
        ),
        callers('admin'),
      ),
    },
    {
      method: 'PATCH',
      route: '/v1/jobs/:id',
      req: R(
        seg(uuidish(() => t.adminJobId)).map((id) => `/v1/jobs/${id}`),
        bodyOf(
          rec({
            title: orJunk(fc.string({ minLength: 1, maxLength: 60 })),
            status: orJunk(fc.constantFrom('open', 'closed', 'paused')),
            competencies: orJunk(fc.array(competency, { minLength: 1, maxLength: 3 })),
            timers: fc.oneof(fc.constant(null), rec({ offerExpiry: duration, approvalReminder: duration })),
            approvalChain: fc.oneof(fc.constant(null), orJunk(fc.array(rec({ approvers: orJunk(fc.array(uuidish(() => org.gm.id, () => org.it.id), { maxLength: 3 })), quorum: orJunk(fc.constantFrom('any', 'all', 0, 1, 5)) }), { maxLength: 2 }))),
          }),
          () => ({ title: `Prop Job ${unique()}` }),
        ),
        callers('hr'),
      ),
    },
    {
      method: 'GET',
      route: '/v1/audit',
      req: R(
        query(
          rec({
            actorId: uuidish(() => org.hr.id),
            targetId: orJunk(text),
            action: orJunk(fc.constantFrom('PATCH /v1/users/:id', 'auth.failed', '')),
            since: orJunk(fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday')),
            until: orJunk(fc.constantFrom('2025-01-01T00:00:00Z', '2100-01-01T00:00:00Z')),
            limit: orJunk(fc.integer({ min: -5, max: 300 })),
            cursor: orJunk(fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url'))),
          }),
        ).map((q) => `/v1/audit${q}`),
        noBody,
        callers('admin'),
      ),
    },

  ],
  webhooks: [
    {
      method: 'POST',
      route: '/v1/webhooks',
      req: R(
        fc.constant('/v1/webhooks'),
        bodyOf(
          rec({
            url: orJunk(fc.constantFrom('http://127.0.0.1:9/hook', 'https://127.0.0.1:9/x', 'ftp://127.0.0.1/x', 'javascript:alert(1)', 'http://')),
            events: orJunk(fc.subarray(['application.received', 'offer.sent', 'onboarding.completed', 'nope.event'])),
            secret: orJunk(fc.string({ minLength: 10, maxLength: 40 })),
          }),
          () => ({ url: 'http://127.0.0.1:9/prop', events: ['onboarding.completed'], secret: `prop-secret-${unique()}-0123456789` }),
        ),
        callers('integrator'),
      ),
    },
    {
      method: 'GET',
      route: '/v1/webhooks',
      req: R(query(rec({ includeInactive: orJunk(fc.constantFrom('true', 'false')) })).map((q) => `/v1/webhooks${q}`), noBody, callers('admin')),
    },
    {
      method: 'GET',
      route: '/v1/webhooks/:id/deliveries',
      req: R(
        fc
          .tuple(
            seg(uuidish(() => t.webhookId ?? org.jobId)),
            query(rec({ limit: orJunk(fc.integer({ min: -5, max: 300 })), eventId: uuidish(() => t.jobId), cursor: orJunk(fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url'))) })),
          )
          .map(([id, q]) => `/v1/webhooks/${id}/deliveries${q}`),
        noBody,
        callers('admin'),
      ),
    },
    {
      method: 'DELETE',
      route: '/v1/webhooks/:id',
      req: R(seg(fc.oneof(fc.uuid(), text)).map((id) => `/v1/webhooks/${id}`), noBody, callers('admin')),
      runs: 20,
    },
  ],
};

/** The applications each group's specs act on (the jobs' and the administration's targets are made for every file). */
const SCENARIOS_OF: Record<TRouteGroup, TScenario[]> = {
  organisation: [],
  jobs: [],
  applications: ['disc', 'withdraw', 'evaluate', 'decide'],
  offers: ['decide', 'draft', 'approve', 'employee'],
  employees: ['employee'],
  candidates: ['accept', 'decline', 'employee'],
  administration: [],
  webhooks: [],
};

/** The applications the specs act on, each brought to its stage when a file's groups need it. */
type TScenario = 'disc' | 'withdraw' | 'evaluate' | 'decide' | 'draft' | 'approve' | 'accept' | 'decline' | 'employee';
const SCENARIOS: Record<TScenario, (jobId: string) => Promise<Candidate>> = {
  disc: (jobId) => inDiscrepancyReview(s, org, jobId),
  withdraw: (jobId) => inEvaluation(s, org, jobId),
  evaluate: (jobId) => inEvaluation(s, org, jobId),
  decide: (jobId) => inDecision(s, org, jobId),
  draft: (jobId) => withDraft(s, org, jobId),
  approve: (jobId) => inApproval(s, org, jobId),
  accept: (jobId) => offerSent(s, org, jobId),
  decline: (jobId) => offerSent(s, org, jobId),
  // Hired, with an ID copy uploaded from the portal (the document routes act on it).
  employee: async (jobId) => {
    const employee = await onboarded(s, org, jobId);
    const m = multipart({ kind: 'id_copy' }, { field: 'file', filename: 'id.png', contentType: 'image/png', bytes: PNG_BYTES });
    const up = await s.app.inject({ method: 'POST', url: `/v1/candidate/documents?token=${employee.portalToken}`, payload: m.payload, headers: m.headers });
    expect(up.statusCode, up.body).toBe(201);
    return { ...employee, documentId: JSON.parse(up.body).id as string };
  },
};

// ---- Running a case -----------------------------------------------------------------

let clientSeq = 0;
function injectOptions(method: Spec['method'], c: { url: string; body: Body; caller: Caller }): InjectOptions {
  const headers: Record<string, string> = {};
  const token = bearer(c.caller);
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: string | Buffer | undefined;
  const b = c.body;
  if (b && 'json' in b) {
    payload = JSON.stringify(b.json) ?? 'null';
    headers['content-type'] = 'application/json';
  } else if (b && 'raw' in b) {
    payload = b.raw;
    headers['content-type'] = b.type ?? 'application/json';
  } else if (b && 'form' in b) {
    payload = new URLSearchParams(b.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (b && 'multipart' in b) {
    payload = b.multipart.payload;
    Object.assign(headers, b.multipart.headers);
  }
  // A client address per case: the per-client rate limits are the abuse tests' subject, not this one's.
  clientSeq += 1;
  const remoteAddress = `10.${(clientSeq >> 16) & 255}.${(clientSeq >> 8) & 255}.${clientSeq & 255}`;
  return { method, url: c.url, headers, remoteAddress, ...(payload !== undefined ? { payload } : {}) };
}

const show = (v: unknown) => {
  const text = typeof v === 'string' ? v : JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array || Buffer.isBuffer(x) ? `<${x.length} bytes>` : x));
  return (text ?? String(v)).length > 400 ? `${(text ?? '').slice(0, 400)}… (${(text ?? '').length} chars)` : text;
};

/** Routes with a body: all but GET and DELETE. */
const hasBody = (sp: Spec) => sp.method !== 'GET' && sp.method !== 'DELETE';

/** A valid request per route with a body: always tried first, so every route gets past validation at least once. */
const VALID: Record<string, () => Case> = {
  // Seven filters, each often junk: without a valid case first, a run could be all 400s.
  'GET /v1/audit': () => ({ url: `/v1/audit?actorId=${org.hr.id}&action=auth.failed&limit=10`, caller: 'admin', body: null }),
  'POST /v1/users': () => ({ url: '/v1/users', caller: 'admin', body: { json: { name: 'Prop User', email: `prop.${unique()}@example.com`, roles: ['hr'] } } }),
  'POST /v1/departments': () => ({ url: '/v1/departments', caller: 'admin', body: { json: { name: `Prop ${unique()}`, managerUserId: org.manager.id } } }),
  'PUT /v1/settings': () => ({ url: '/v1/settings', caller: 'admin', body: { json: { companyName: 'Acme Robotics', companyAddress: '1 Harbour Road, Shanghai', generalManagerUserId: org.gm.id } } }),
  'POST /v1/jobs': () => ({ url: '/v1/jobs', caller: 'hr', body: { json: JOB(org.departmentId) } }),
  'POST /v1/applications': () => ({
    url: '/v1/applications',
    caller: 'integrator',
    body: { json: application(t.jobId, 'average', { candidate: { name: 'Prop Applicant', email: `prop.${unique()}@candidates.example.com` } }) },
  }),
  'POST /v1/applications/:id/discrepancies/:discrepancyId/resolution': () => ({
    url: `/v1/applications/${t.disc.id}/discrepancies/${pct(t.disc.discrepancyId)}/resolution`,
    caller: 'hr',
    body: { json: { resolution: 'dismissed', note: 'Checked' } },
  }),
  'POST /v1/applications/:id/withdraw': () => ({ url: `/v1/applications/${t.withdraw.id}/withdraw`, caller: 'integrator', body: { json: { reason: 'Withdrawn' } } }),
  'POST /v1/applications/:id/evaluations': () => ({
    url: `/v1/applications/${t.evaluate.id}/evaluations`,
    caller: 'hr',
    body: { json: { ratings: { programming: 'good', systems: 'good', teamwork: 'good' } } },
  }),
  'POST /v1/applications/:id/decision': () => ({ url: `/v1/applications/${t.decide.id}/decision`, caller: 'hr', body: { json: { decision: 'advance' } } }),
  'PUT /v1/applications/:id/offer': () => ({ url: `/v1/applications/${t.draft.id}/offer`, caller: 'hr', body: { json: OFFER() } }),
  'POST /v1/applications/:id/offer/preview': () => ({ url: `/v1/applications/${t.draft.id}/offer/preview`, caller: 'hr', body: { json: OFFER() } }),
  'POST /v1/applications/:id/decision/feedback-preview': () => ({ url: `/v1/applications/${t.decide.id}/decision/feedback-preview`, caller: 'hr', body: { json: {} } }),
  'POST /v1/applications/:id/offer/submit': () => ({ url: `/v1/applications/${t.draft.id}/offer/submit`, caller: 'hr', body: null }),
  'POST /v1/applications/:id/offer/approvals': () => ({ url: `/v1/applications/${t.approve.id}/offer/approvals`, caller: 'gm', body: { json: { decision: 'approve' } } }),
  'POST /v1/applications/:id/offer/approvals/delegate': () => ({
    url: `/v1/applications/${t.approve.id}/offer/approvals/delegate`,
    caller: 'hr',
    body: { json: { fromUserId: org.gm.id, toUserId: org.manager.id } },
  }),
  'POST /v1/employees/:id/onboarding/tasks/:taskKey/complete': () => ({ url: `/v1/employees/${t.employee.employeeId}/onboarding/tasks/computer/complete`, caller: 'it', body: { json: { note: 'Done' } } }),
  'POST /v1/employees/:id/courses/:courseKey/result': () => ({ url: `/v1/employees/${t.employee.employeeId}/courses/orientation/result`, caller: 'integrator', body: { json: { score: 50 } } }),
  'POST /v1/employees/:id/documents/:documentId/reject': () => ({
    url: `/v1/employees/${t.employee.employeeId}/documents/${t.employee.documentId}/reject`,
    caller: 'hr',
    body: { json: { reason: 'Unreadable' } },
  }),
  'POST /v1/candidate/offer/accept': () => ({ url: `/v1/candidate/offer/accept?token=${t.accept.offerToken}`, caller: 'none', body: { json: { signatureName: t.accept.name, consent: true } } }),
  'POST /v1/candidate/offer/decline': () => ({ url: `/v1/candidate/offer/decline?token=${t.decline.offerToken}`, caller: 'none', body: { json: { reason: 'No' } } }),
  'POST /offers/:token': () => ({ url: `/offers/${t.decline.offerToken}`, caller: 'none', body: { form: { action: 'decline' } } }),
  'POST /v1/candidate/documents': () => ({
    url: `/v1/candidate/documents?token=${t.employee.portalToken}`,
    caller: 'none',
    body: { multipart: multipart({ kind: 'medical_report' }, { field: 'file', filename: 'medical.pdf', contentType: 'application/pdf', bytes: PDF_BYTES }) },
  }),
  'POST /v1/webhooks': () => ({
    url: '/v1/webhooks',
    caller: 'integrator',
    body: { json: { url: 'http://127.0.0.1:9/prop', events: ['onboarding.completed'], secret: `prop-secret-${unique()}-0123456789` } },
  }),
};

/** The fixed cases of a route: its valid request, then the same request with each of BODY_EXAMPLES. */
function examplesOf(spec: Spec): Case[] {
  const valid = VALID[`${spec.method} ${spec.route}`];
  if (!valid) return [];
  return [valid(), ...(hasBody(spec) ? BODY_EXAMPLES.map((body) => ({ ...valid(), body })) : [])];
}

/** A plausible URL and caller for a body sent to a route. */
function exampleBase(spec: Spec): { url: string; caller: Caller } {
  const valid = VALID[`${spec.method} ${spec.route}`];
  if (valid) return valid();
  const sample = fc.sample(spec.req, { numRuns: 1, seed: 1 })[0]!;
  return { url: sample.url, caller: sample.caller };
}

/**
 * Registers the stack and the tests of `groups` in the calling test file; `extras` adds the
 * tests that are not per route (malformed multipart, a refused upload: they use the
 * employee's portal). Deep nesting is tried on every route of the file's groups.
 */
function routeProperties(groups: TRouteGroup[], opts: { extras: boolean }): void {
  const specs: Spec[] = groups.flatMap((g) => SPEC_GROUPS[g]);
  beforeAll(async () => {
    s = await startStack();
    org = await createOrg(s);
    contract = new ContractChecker(s.app.swagger() as unknown as OpenApiDoc);
    t.jobId = await quickJob(s, org);
    // Only the applications this file's groups use (a group using another finds it missing and fails).
    const wanted = [...new Set([...groups.flatMap((g) => SCENARIOS_OF[g]), ...(opts.extras ? (['employee'] as const) : [])])];
    Object.assign(t, Object.fromEntries(await Promise.all(wanted.map(async (k) => [k, await SCENARIOS[k](t.jobId)] as const))));

    t.webhookId = null;
    if (s.app.hasRoute({ method: 'POST', url: '/v1/webhooks' })) {
      const w = await s.api('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/property', events: ['onboarding.completed'], secret: 'property-secret-0123456789' } });
      expect(w.status, JSON.stringify(w.body)).toBe(201);
      t.webhookId = w.body.id;
    }
    const subject = await createUser(s, { name: 'Prop Subject', roles: ['hr'] });
    t.subjectId = subject.id;
    const key = await s.api('POST', `/v1/users/${subject.id}/api-keys`, { body: { name: 'prop', scopes: ['applications:read'] } });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    t.subjectKeyId = key.body.id;
    const dept = await s.api('POST', '/v1/departments', { body: { name: `Prop Dept ${Date.now()}`, managerUserId: org.manager.id } });
    expect(dept.status, JSON.stringify(dept.body)).toBe(201);
    t.adminDeptId = dept.body.id;
    t.adminJobId = await quickJob(s, org, { title: 'Prop Patched' });
    const present = await s.db.handle.rows<{ t: string }>(
      sql`select x as t from unnest(array['users','departments','jobs','applications','interview_answers','employee_documents','document_blobs','webhooks','api_keys','job_versions']) as x where to_regclass('public.' || x) is not null`,
    );
    t.tables = present.map((r) => r.t);
  }, 120_000);

  afterAll(async () => {
    await s?.stop();
  });

  describe('generated requests never get a 5xx, and a refused one changes nothing', () => {
    for (const spec of specs) {
      it(`${spec.method} ${spec.route}`, async () => {
        // A route this table names must exist: a missing route fails, it is not skipped.
        expect(s.app.hasRoute({ method: spec.method, url: spec.route }), `${spec.method} ${spec.route} is not registered`).toBe(true);
        const statuses = new Map<number, number>();
        const property = fc.asyncProperty(spec.req, async (c) => {
          const target = spec.target?.() ?? null;
          const before = await snapshot(target);
          const res = await s.app.inject(injectOptions(spec.method, c));
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const what = `${spec.method} ${show(c.url)} as ${c.caller} with ${show(c.body)} -> ${res.statusCode} ${show(res.body)}`;
          if (res.statusCode >= 500) throw new Error(`a server error: ${what}`);
          // And the contract: a documented status, a body that matches its documented schema.
          const broken = contract.problems(spec.method, spec.route, res);
          if (broken.length) throw new Error(`${broken.join('; ')}: ${what}`);
          if (res.statusCode >= 400) {
            if (String(res.headers['content-type'] ?? '').includes('json')) {
              const parsed = JSON.parse(res.body) as { error?: { code?: unknown; requestId?: unknown } };
              if (typeof parsed.error?.code !== 'string' || typeof parsed.error.requestId !== 'string') throw new Error(`not in the error format: ${what}`);
            }
            const after = await snapshot(target);
            const changed = Object.keys(before).filter((k) => before[k] !== after[k]).map((k) => `${k}: ${String(before[k])} -> ${String(after[k])}`);
            if (changed.length) throw new Error(`refused, yet it changed ${changed.join(', ')}: ${what}`);
          }
        });
        const examples = (spec.examples ?? examplesOf(spec)).map((c): [Case] => [c]);
        const out = await fc.check(property, { numRuns: spec.runs ?? RUNS, endOnFailure: true, examples });
        if (out.failed) {
          const err = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
          throw new Error(`${err}\n(seed ${out.seed}, path ${out.counterexamplePath}; statuses so far ${JSON.stringify(Object.fromEntries(statuses))})`);
        }
        // The generators are not all noise: some cases got past validation to the route's own logic.
        expect([...statuses.keys()].some((code) => ![400, 401, 413, 415].includes(code)), JSON.stringify(Object.fromEntries(statuses))).toBe(true);
      });
    }
  });

  describe('deeply nested JSON', () => {
    // 20 000 levels is a 40 KB body, far inside BODY_LIMIT_BYTES (1 MiB): bad input, to be refused with a 400.
    it.each([
      ['arrays, 20 000 levels', deepText(20_000, false)],
      ['objects, 20 000 levels', deepText(20_000, true)],
      ['arrays, 200 000 levels', deepText(200_000, false)],
    ])('%s -> 400 on every route of this file with a body, never a 500', async (_name, raw) => {
      const answers: string[] = [];
      for (const spec of specs.filter(hasBody)) {
        if (!s.app.hasRoute({ method: spec.method, url: spec.route })) continue;
        const res = await s.app.inject(injectOptions(spec.method, { ...exampleBase(spec), body: { raw } }));
        if (res.statusCode >= 500) answers.push(`${spec.method} ${spec.route}: ${res.statusCode}`);
      }
      expect(answers).toEqual([]);
    });
  });

  if (!opts.extras) return;
  describe('malformed multipart', () => {
    it.each([
      ['a body that is not multipart at all', 'garbage garbage'],
      ['a part cut off before its end (a dropped upload)', '--zzz\r\nContent-Disposition: form-data; name="kind"\r\n\r\nid_copy'],
      ['a file part cut off mid-way', '--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 trunc'],
    ])('%s -> 400, never a 500, nothing stored', async (_name, raw) => {
      const before = await snapshot(t.employee);
      const res = await s.app.inject({
        method: 'POST',
        url: `/v1/candidate/documents?token=${t.employee.portalToken}`,
        payload: raw,
        headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(JSON.parse(res.body).error.code).toBe('validation_failed');
      expect(await snapshot(t.employee)).toEqual(before);
    });
  });

  describe('a refused upload', () => {
    it('leaves no stored file behind (the task was already done: 409)', async () => {
      const upload = (bytes: Uint8Array) => {
        const m = multipart({ kind: 'diploma' }, { field: 'file', filename: 'diploma.pdf', contentType: 'application/pdf', bytes });
        return s.app.inject({ method: 'POST', url: `/v1/candidate/documents?token=${t.employee.portalToken}`, payload: m.payload, headers: m.headers });
      };
      const pdf = () => new TextEncoder().encode(`%PDF-1.4\n% ${crypto.randomUUID()}\n%%EOF\n`);
      // The diploma task is done after this, whether this upload did it or an earlier one.
      expect([201, 409]).toContain((await upload(pdf())).statusCode);
      const before = await snapshot(t.employee);
      const again = await upload(pdf());
      expect(again.statusCode, again.body).toBe(409);
      expect(await snapshot(t.employee)).toEqual(before);
    });
  });
}

routeProperties(['organisation', 'jobs', 'applications', 'offers', 'employees', 'candidates', 'administration', 'webhooks'], { extras: true });
