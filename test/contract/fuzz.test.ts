/**
 * The contract fuzzer: for every operation of the OpenAPI document the API serves,
 * requests generated from the operation's own JSON schemas (its path and query
 * parameters and its body), some valid, some bent (wrong types, values out of range,
 * unknown ids), sent with several roles' credentials, with none and with a bad one; then
 * stateful sequences (create a job, submit an application, read and act on it). Every
 * answer must keep the contract: a documented status, a body matching the schema
 * documented for it, never a 5xx (test/helpers/contract.ts).
 *
 * Seeded and bounded (RUNS per operation), so a failure is reproducible and the file stays
 * well under a minute of requests. test/property/routes-*.test.ts bend each route's input
 * by hand and check that a refusal changes nothing; they check their answers against the
 * contract too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { application, createOrg, createUser, JOB, type Org } from '../helpers/org';
import { inEvaluation, quickJob, type Candidate } from '../helpers/scenario';
import { startStack, type Stack } from '../helpers/stack';
import { ContractChecker, type OpenApiDoc, type OpenApiOperation } from '../helpers/contract';

const SEED = 1414;
const RUNS = 6;

let s: Stack;
let org: Org;
let contract: ContractChecker;
let candidate: Candidate;
let ids: string[];

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
  const jobId = await quickJob(s, org);
  candidate = await inEvaluation(s, org, jobId);
  // A user of its own for the user and API-key routes, so generated changes never lock out the callers.
  const subject = await createUser(s, { name: 'Fuzz Subject', roles: ['hr'] });
  ids = [jobId, candidate.id, subject.id, org.departmentId];
  contract = new ContractChecker(s.app.swagger() as unknown as OpenApiDoc);
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

// ---- Arbitraries from JSON schemas ----------------------------------------------------

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
};

const JUNK = fc.oneof(
  fc.constantFrom<unknown>('', ' ', 'NaN', '-1', '1e309', "' OR 1=1 --", '00000000-0000-0000-0000-000000000000', '\u202e', '😀', 'x'.repeat(3000), null, true, 0, -1, 1.5, [], {}),
  fc.string({ maxLength: 30 }),
  fc.integer(),
);

/** Values of a schema: `valid` for ones it accepts, otherwise mostly valid with some bent. */
function arb(schema: Schema | undefined, valid: boolean, depth = 0): fc.Arbitrary<unknown> {
  const good = goodArb(schema, valid, depth);
  return valid ? good : fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: JUNK });
}

function goodArb(schema: Schema | undefined, valid: boolean, depth: number): fc.Arbitrary<unknown> {
  if (!schema) return JUNK;
  if (schema.$ref) return arb(contract.resolve(schema.$ref) as Schema, valid, depth);
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return fc.oneof(...options.map((o) => arb(o, valid, depth)));
  if (schema.allOf?.length) return arb(schema.allOf[0], valid, depth);
  const type = [schema.type ?? 'string'].flat().filter((t) => t !== 'null')[0] ?? 'null';
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: Math.ceil(schema.minimum ?? -1000), max: Math.floor(schema.maximum ?? 1_000_000) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000, noNaN: true });
    case 'array': {
      if (depth > 4) return fc.constant([]);
      const min = schema.minItems ?? 0;
      return fc.array(arb(schema.items, valid, depth + 1), { minLength: min, maxLength: Math.min(schema.maxItems ?? 3, min + 3) });
    }
    case 'object': {
      if (depth > 4 || !schema.properties) return fc.constant({});
      const required = schema.required ?? [];
      const fields = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, arb(v, valid, depth + 1)]));
      return fc.record(fields, { requiredKeys: Object.keys(fields).filter((k) => required.includes(k)) });
    }
    default:
      return stringArb(schema);
  }
}

function stringArb(schema: Schema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.oneof(fc.constantFrom(...ids), fc.uuid());
    case 'email':
      return fc.emailAddress();
    case 'date-time':
      return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    default:
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, (schema.minLength ?? 0) + 40) });
  }
}

// ---- Requests -------------------------------------------------------------------------

type Caller = 'admin' | 'hr' | 'integrator' | 'manager' | 'gm' | 'it' | 'garbage' | 'none';
const CALLERS: Caller[] = ['admin', 'hr', 'integrator', 'manager', 'gm', 'it', 'garbage', 'none'];
function bearer(c: Caller): string | null {
  if (c === 'none') return null;
  if (c === 'garbage') return `hwe_${'x'.repeat(43)}`;
  if (c === 'admin') return s.adminToken;
  return org[c].token;
}

interface Req {
  url: string;
  body: unknown;
  caller: Caller;
}

let clientSeq = 0;
function inject(method: string, r: Req): InjectOptions {
  const headers: Record<string, string> = {};
  const token = bearer(r.caller);
  if (token) headers.authorization = `Bearer ${token}`;
  // A client address per request: the rate limits are the abuse tests' subject, not this one's.
  clientSeq += 1;
  const remoteAddress = `10.${200 + ((clientSeq >> 16) & 31)}.${(clientSeq >> 8) & 255}.${clientSeq & 255}`;
  const withBody = r.body !== undefined && method !== 'GET';
  if (withBody) headers['content-type'] = 'application/json';
  return { method: method, url: r.url, headers, remoteAddress, ...(withBody ? { payload: JSON.stringify(r.body) } : {}) };
}

const enc = (v: unknown) => encodeURIComponent(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/** Requests for one operation, from its parameters' and body's schemas. */
function requests(path: string, op: OpenApiOperation): fc.Arbitrary<Req> {
  const params = contract.parameters(op);
  const jsonBody = op.requestBody?.content['application/json']?.schema;
  return fc.boolean().chain((valid) => {
    const pathArbs = Object.fromEntries(
      params.filter((p) => p.in === 'path').map((p) => [p.name, valid ? fc.oneof(fc.constantFrom(...ids), arb(p.schema, true)) : arb(p.schema, false)]),
    );
    const queryArbs = Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, arb(p.schema, valid)]));
    const required = params.filter((p) => p.in === 'query' && p.required).map((p) => p.name);
    return fc.record({
      path: fc.record(pathArbs),
      query: fc.record(queryArbs, { requiredKeys: required }),
      body: jsonBody ? arb(jsonBody, valid) : fc.constant(undefined),
      caller: fc.constantFrom(...CALLERS),
    });
  }).map(({ path: p, query, body, caller }) => {
    const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => enc((p as Record<string, unknown>)[name]));
    const qs = Object.entries(query as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${encodeURIComponent(k)}=${enc(v)}`)
      .join('&');
    return { url: qs ? `${url}?${qs}` : url, body, caller };
  });
}

const OPERATIONS = () =>
  Object.entries(contract.doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));

describe('every operation keeps its contract under generated requests', () => {
  it('documented statuses, bodies that match their schemas, no 5xx', async () => {
    const problems: string[] = [];
    const statuses = new Map<string, Set<number>>();
    for (const { path, method, op } of OPERATIONS()) {
      // Signing out ends the caller's session, not a token: harmless, but it says nothing new.
      const samples = fc.sample(requests(path, op), { numRuns: RUNS, seed: SEED });
      for (const r of samples) {
        const res = await s.app.inject(inject(method, r));
        statuses.set(op.operationId, (statuses.get(op.operationId) ?? new Set()).add(res.statusCode));
        for (const p of contract.problems(method, path, res)) problems.push(`${p}\n    request: ${method} ${r.url.slice(0, 200)} as ${r.caller} body ${JSON.stringify(r.body)?.slice(0, 300)}`);
      }
    }
    expect(problems).toEqual([]);
    // The generators reach past authentication and validation for most operations.
    const reached = [...statuses].filter(([, st]) => [...st].some((c) => c < 400 || [404, 409, 410].includes(c)));
    expect(reached.length, JSON.stringify(Object.fromEntries([...statuses].map(([k, v]) => [k, [...v]])))).toBeGreaterThan(OPERATIONS().length / 3);
  }, 240_000);
});

describe('stateful sequences keep the contract', () => {
  type Step = 'get' | 'list' | 'report' | 'messages' | 'withdraw' | 'status-list' | 'evaluate';
  const STEPS: Step[] = ['get', 'list', 'report', 'messages', 'withdraw', 'status-list', 'evaluate'];

  it('create a job, submit an application, then read and act on it in any order, as anyone', async () => {
    const problems: string[] = [];
    const call = async (method: string, route: string, r: Req) => {
      const res = await s.app.inject(inject(method, r));
      problems.push(...contract.problems(method, route, res));
      return res;
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...STEPS), fc.constantFrom(...CALLERS)), { minLength: 2, maxLength: 6 }), async (steps) => {
        const job = await call('POST', '/v1/jobs', { url: '/v1/jobs', caller: 'hr', body: JOB(org.departmentId) });
        expect(job.statusCode, job.body).toBe(201);
        const jobId = (JSON.parse(job.body) as { id: string }).id;
        const email = `fuzz.${crypto.randomUUID()}@candidates.example.com`;
        const app = await call('POST', '/v1/applications', { url: '/v1/applications', caller: 'integrator', body: application(jobId, 'average', { candidate: { name: 'Fuzz Applicant', email } }) });
        expect([200, 202], app.body).toContain(app.statusCode);
        const id = (JSON.parse(app.body) as { id: string }).id;
        for (const [step, caller] of steps) {
          switch (step) {
            case 'get':
              await call('GET', '/v1/applications/{id}', { url: `/v1/applications/${id}`, caller, body: undefined });
              break;
            case 'list':
              await call('GET', '/v1/applications', { url: `/v1/applications?jobId=${jobId}&limit=5`, caller, body: undefined });
              break;
            case 'status-list':
              await call('GET', '/v1/jobs/{id}/ranking', { url: `/v1/jobs/${jobId}/ranking`, caller, body: undefined });
              break;
            case 'report':
              await call('GET', '/v1/applications/{id}/report', { url: `/v1/applications/${id}/report`, caller, body: undefined });
              break;
            case 'messages':
              await call('GET', '/v1/applications/{id}/messages', { url: `/v1/applications/${id}/messages`, caller, body: undefined });
              break;
            case 'withdraw':
              await call('POST', '/v1/applications/{id}/withdraw', { url: `/v1/applications/${id}/withdraw`, caller, body: { reason: 'Fuzz' } });
              break;
            case 'evaluate':
              await call('POST', '/v1/applications/{id}/evaluations', {
                url: `/v1/applications/${id}/evaluations`,
                caller,
                body: { ratings: { programming: 'good', systems: 'good', teamwork: 'good' } },
              });
              break;
          }
        }
      }),
      { numRuns: 4, seed: SEED, endOnFailure: true },
    );
    expect(problems).toEqual([]);
  }, 240_000);
});
