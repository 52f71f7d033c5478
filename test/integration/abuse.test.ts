/**
 * Abuse: rate limits (candidate routes, the portal, authentication failures), body size
 * limits (JSON and uploads), security headers, secrets kept out of the logs (the API
 * runs as its own process and its real output is read; the worker's activity log is
 * captured), and filter values that look like SQL being only values.
 *
 * The stack runs with small limits so the tests stay quick: BODY_LIMIT_BYTES 16 KiB and
 * DOCUMENT_MAX_BYTES 64 KiB (an upload may be larger than a JSON body: the two are
 * separate limits).
 */
import { randomBytes } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server';
import type { Config } from '../../temporal.config';
import { startApiProcess, type ApiProcess } from '../helpers/api-process';
import { multipart, PDF_BYTES, PNG_BYTES } from '../helpers/multipart';
import { application, createOrg, type Org } from '../helpers/org';
import { offerSent, onboarded, quickJob, status, tamper, until } from '../helpers/scenario';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually, startStack, type Stack } from '../helpers/stack';

const BODY_LIMIT = 16 * 1024;
const DOC_MAX = 64 * 1024;

let s: Stack;
let org: Org;
let smtp: TTestSmtpServer;
let jobId: string;
const workerLog: string[] = [];
const extraApps: FastifyInstance[] = [];

const capture = (level: string) => (o: object, msg?: string) => void workerLog.push(JSON.stringify({ level, msg, ...o }));

beforeAll(async () => {
  smtp = await startSmtpServer();
  s = await startStack({
    env: { SMTP_URL: smtp.url, BODY_LIMIT_BYTES: String(BODY_LIMIT), DOCUMENT_MAX_BYTES: String(DOC_MAX) },
    extraDeps: { log: { info: capture('info'), warn: capture('warn'), error: capture('error') } },
  });
  org = await createOrg(s);
  jobId = await quickJob(s, org);
});
afterAll(async () => {
  for (const a of extraApps) await a.close();
  await s?.stop();
  await smtp?.close();
});

/** Another instance of the API on the same stack (its own rate-limit counters), with config overrides. */
async function appWith(over: Partial<Config> = {}) {
  const a = await buildServer({ config: { ...s.config, ...over }, db: s.db.handle, temporal: s.temporal, logger: false });
  await a.ready();
  extraApps.push(a);
  return a;
}

async function count(table: string): Promise<number> {
  const [row] = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`);
  return row!.n;
}

const json = (body: string): any => JSON.parse(body);

function expectErrorFormat(res: { statusCode: number; body: string }, status: number, code: string) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  const b = json(res.body);
  expect(b.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
}

describe('rate limits', () => {
  it('a candidate route answers 60 requests a minute per client, then 429 in the error format', async () => {
    const a = await appWith();
    for (let i = 0; i < 60; i++) {
      const r = await a.inject({ method: 'GET', url: `/v1/candidate/offer?token=guess${i}` });
      expect(r.statusCode, `request ${i + 1}`).toBe(401);
      expect(r.headers['x-ratelimit-limit']).toBe('60');
    }
    const over = await a.inject({ method: 'GET', url: '/v1/candidate/offer?token=guess61' });
    expectErrorFormat(over, 429, 'rate_limited');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // The same client's other candidate route has its own budget; staff routes are not affected.
    expect((await a.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('the portal answers 30 requests a minute per client, then 429', async () => {
    const a = await appWith();
    for (let i = 0; i < 30; i++) expect((await a.inject({ method: 'GET', url: `/portal/guess${i}` })).statusCode).toBe(401);
    expectErrorFormat(await a.inject({ method: 'GET', url: '/portal/guess31' }), 429, 'rate_limited');
  });

  it('a client cannot reset its limit by claiming another address in X-Forwarded-For', async () => {
    const a = await appWith();
    // A client on the internet talking to the API directly, then making up its own forwarding header.
    const from = { remoteAddress: '198.51.100.20' };
    for (let i = 0; i < 60; i++) await a.inject({ method: 'GET', url: `/v1/candidate/offer?token=guess${i}`, ...from });
    expect((await a.inject({ method: 'GET', url: '/v1/candidate/offer?token=guess', ...from })).statusCode).toBe(429);
    const spoofed = await a.inject({
      method: 'GET',
      url: '/v1/candidate/offer?token=guess',
      headers: { 'x-forwarded-for': '203.0.113.7' },
      ...from,
    });
    expect(spoofed.statusCode, 'X-Forwarded-For from an untrusted client must not open a fresh rate-limit budget').toBe(429);
  });

  it('staff routes answer RATE_LIMIT_PER_MINUTE requests a minute per client, then 429', async () => {
    const a = await appWith({ RATE_LIMIT_PER_MINUTE: 20 });
    for (let i = 0; i < 20; i++) {
      const r = await a.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${org.hr.token}` } });
      expect(r.statusCode, `request ${i + 1}`).toBe(200);
    }
    expectErrorFormat(await a.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${org.hr.token}` } }), 429, 'rate_limited');
  });

  it('authentication failures are limited too: guessing bearer tokens ends in 429', async () => {
    // There is no separate, stricter budget for failed authentication; at the least the
    // per-client one must count the failures.
    const a = await appWith({ RATE_LIMIT_PER_MINUTE: 20 });
    const guess = () => a.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer hwe_${randomBytes(32).toString('base64url')}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await guess()).statusCode);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses[20], 'the 21st failed attempt within a minute').toBe(429);
    expectErrorFormat(await guess(), 429, 'rate_limited');
  });
});

describe('failed authentication budget', () => {
  it('a client gets AUTH_FAILURES_PER_MINUTE failed authentications, then 429 even with a valid token', async () => {
    const a = await appWith({ AUTH_FAILURES_PER_MINUTE: 5 });
    const bad = () => a.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer hwe_${randomBytes(32).toString('base64url')}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await bad()).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expectErrorFormat(await bad(), 429, 'rate_limited');
    const good = await a.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${org.hr.token}` } });
    expect(good.statusCode, 'the guesser is locked out for the minute').toBe(429);
    // another client is unaffected
    const other = await a.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${org.hr.token}` }, remoteAddress: '198.51.100.77' });
    expect(other.statusCode).toBe(200);
  });
});

describe('body size limits', () => {
  it(`a JSON body over BODY_LIMIT_BYTES -> 413 payload_too_large, nothing created`, async () => {
    const before = await count('departments');
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/departments',
      headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(BODY_LIMIT), managerUserId: org.manager.id }),
    });
    expectErrorFormat(res, 413, 'payload_too_large');
    expect(await count('departments')).toBe(before);
  });

  it('the default limit (1 MiB) holds too', async () => {
    const a = await appWith({ BODY_LIMIT_BYTES: 1024 * 1024 });
    const res = await a.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { authorization: `Bearer ${org.integrator.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...application(jobId, 'strong'), padding: 'x'.repeat(1024 * 1024) }),
    });
    expectErrorFormat(res, 413, 'payload_too_large');
  });

  it('a candidate route with an oversized body -> 413 without any credential', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/candidate/offer/accept?token=whatever',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ signatureName: 'y'.repeat(BODY_LIMIT + 1), consent: true }),
    });
    expectErrorFormat(res, 413, 'payload_too_large');
  });

  it('an upload over DOCUMENT_MAX_BYTES -> 413, no row and no stored blob; exactly the limit, or more than a JSON body, is fine', async () => {
    const e = await onboarded(s, org, jobId);
    const upload = (kind: string, size: number) => {
      const bytes = new Uint8Array(size);
      bytes.set(PDF_BYTES);
      const m = multipart({ kind }, { field: 'file', filename: `${kind}.pdf`, contentType: 'application/pdf', bytes });
      return s.app.inject({ method: 'POST', url: `/v1/candidate/documents?token=${e.portalToken}`, payload: m.payload, headers: m.headers });
    };
    const rowsBefore = await count('employee_documents');
    const blobsBefore = await count('document_blobs');

    expectErrorFormat(await upload('id_copy', DOC_MAX + 1), 413, 'payload_too_large');
    expect(await count('employee_documents')).toBe(rowsBefore);
    expect(await count('document_blobs')).toBe(blobsBefore);

    expect((await upload('id_copy', DOC_MAX)).statusCode).toBe(201);
    expect((await upload('diploma', BODY_LIMIT * 2)).statusCode).toBe(201);
    expect(await count('employee_documents')).toBe(rowsBefore + 2);
    expect(await count('document_blobs')).toBe(blobsBefore + 2);
  });
});

describe('security headers', () => {
  const common = (h: OutgoingHttpHeaders, what: string) => {
    expect(h['x-content-type-options'], what).toBe('nosniff');
    expect(h['x-frame-options'], what).toBe('SAMEORIGIN');
    expect(h['referrer-policy'], what).toBe('no-referrer');
    expect(h['x-powered-by'], what).toBeUndefined();
    const csp = String(h['content-security-policy'] ?? '');
    for (const d of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'self'", "object-src 'none'"]) expect(csp, `${what}: ${d}`).toContain(d);
  };

  it('on JSON answers, refusals and errors alike', async () => {
    const cases = [
      await s.app.inject({ method: 'GET', url: '/healthz' }),
      await s.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${org.hr.token}` } }),
      await s.app.inject({ method: 'GET', url: '/v1/me' }),
      await s.app.inject({ method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${org.it.token}` } }),
      await s.app.inject({ method: 'GET', url: '/v1/no-such-route' }),
      await s.app.inject({ method: 'GET', url: '/v1/applications?limit=0', headers: { authorization: `Bearer ${org.hr.token}` } }),
    ];
    expect(cases.map((r) => r.statusCode)).toEqual([200, 200, 401, 403, 404, 400]);
    cases.forEach((r, i) => common(r.headers, `case ${i}`));
  });

  it("on the candidate's pages (offer, portal) and the letter, which are also never cached", async () => {
    const c = await offerSent(s, org, jobId);
    const page = await s.app.inject({ method: 'GET', url: `/offers/${c.offerToken}` });
    expect(page.statusCode).toBe(200);
    common(page.headers, 'offer page');
    expect(page.headers['cache-control']).toBe('no-store');
    const pdf = await s.app.inject({ method: 'GET', url: `/v1/candidate/offer.pdf?token=${c.offerToken}` });
    expect(pdf.statusCode).toBe(200);
    common(pdf.headers, 'letter');
    const invalid = await s.app.inject({ method: 'GET', url: `/portal/${tamper(c.offerToken)}` });
    expect(invalid.statusCode).toBe(401);
    common(invalid.headers, 'portal (invalid link)');
  });

  it('strict-transport-security when served over https (PUBLIC_URL)', async () => {
    const a = await appWith({ PUBLIC_URL: 'https://hiring.example.com', publicUrl: 'https://hiring.example.com' });
    const res = await a.inject({ method: 'GET', url: '/healthz' });
    common(res.headers, 'https');
    expect(String(res.headers['strict-transport-security'])).toMatch(/max-age=\d{7,}/);
  });
});

describe('the logs', () => {
  let api: ApiProcess | undefined;
  /** A live offer link, kept for the second test. */
  let liveOffer: string | undefined;
  afterAll(async () => {
    await api?.stop();
  });

  it('never hold tokens, e-mail bodies or document bytes', async () => {
    const email = `logs.${Date.now()}@candidates.example.com`;
    const name = 'Lou Logged';
    // Brought to offer_sent through the in-process app; everything sensitive then goes through the real API process.
    const created = await s.api('POST', '/v1/applications', {
      token: org.integrator.token,
      body: application(jobId, 'strong', { candidate: { name, email, locale: 'en' } }),
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    await until(s, org, id, 'evaluation', (st) => st.stage === 'evaluation');
    expect((await s.api('POST', `/v1/applications/${id}/evaluations`, { token: org.hr.token, body: { ratings: { programming: 'good', systems: 'good', teamwork: 'good' } } })).status).toBe(200);
    expect((await s.api('POST', `/v1/applications/${id}/decision`, { token: org.hr.token, body: { decision: 'advance' } })).status).toBe(200);
    await until(s, org, id, 'offer_drafting', (st) => st.stage === 'offer_drafting');
    const { OFFER } = await import('../helpers/journey');
    expect((await s.api('PUT', `/v1/applications/${id}/offer`, { token: org.hr.token, body: OFFER() })).status).toBe(200);
    expect((await s.api('POST', `/v1/applications/${id}/offer/submit`, { token: org.hr.token })).status).toBe(200);
    await eventually(async () => (await s.api('POST', `/v1/applications/${id}/offer/approvals`, { token: org.gm.token, body: { decision: 'approve' } })).status === 200);

    const linkIn = (kind: string) =>
      eventually(async () => {
        for (const m of smtp.to(email)) {
          const hit = new RegExp(`/${kind}/([A-Za-z0-9_-]+)`).exec(`${m.parsed.text ?? ''} ${typeof m.parsed.html === 'string' ? m.parsed.html : ''}`);
          if (hit) return hit[1]!;
        }
        return null;
      });
    const offerToken = await linkIn('offers');
    const pixel = await linkIn('t');
    liveOffer = offerToken;

    api = await startApiProcess({
      NODE_ENV: 'production',
      LOG_LEVEL: 'trace',
      DATABASE_URL: s.db.url,
      TEMPORAL_ADDRESS: s.config.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: s.config.TEMPORAL_TASK_QUEUE,
      ADMIN_TOKEN: s.adminToken,
      LINK_SIGNING_SECRET: s.config.linkSigningSecret!,
      PAYLOAD_KEYS: s.config.PAYLOAD_KEYS!,
      RATE_LIMIT_PER_MINUTE: '100000',
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
      DOCUMENT_MAX_BYTES: String(DOC_MAX),
      DOCUMENTS_DIR: s.config.documentsDir,
    });
    const base = api.url;
    const badToken = `hwe_${randomBytes(32).toString('base64url')}`;
    const idemKey = `idem-${randomBytes(12).toString('hex')}`;
    const get = (path: string, token?: string) => fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    expect((await get(`/v1/applications/${id}`, org.hr.token)).status).toBe(200);
    expect((await get('/v1/me', s.adminToken)).status).toBe(200);
    expect((await get('/v1/me', badToken)).status).toBe(401);
    expect((await get(`/v1/me`, tamper(org.hr.token))).status).toBe(401);
    expect((await post('/v1/departments', { name: `Logged ${Date.now()}`, managerUserId: org.manager.id }, { authorization: `Bearer ${s.adminToken}`, 'idempotency-key': idemKey })).status).toBe(201);
    expect((await get(`/v1/candidate/offer?token=${offerToken}`)).status).toBe(200);
    expect((await get(`/v1/candidate/offer.pdf?copy=letter&token=${offerToken}`)).status).toBe(200);
    expect((await get(`/offers/${offerToken}`)).status).toBe(200);
    expect((await get(`/offers/${tamper(offerToken)}`)).status).toBe(401);
    expect((await get(`/offers/${offerToken}/nothing-here`)).status).toBe(404);
    expect((await get(`/t/${pixel}.gif`)).status).toBe(200);
    expect((await post(`/v1/candidate/offer/accept?token=${offerToken}`, { signatureName: name, consent: true })).status).toBe(200);

    const st = await until(s, org, id, 'onboarding', (x) => x.stage === 'onboarding');
    const employeeId = st.onboarding.employeeId as string;
    const portal = await linkIn('portal');
    expect((await get(`/portal/${portal}`)).status).toBe(200);
    const marker = `DOCUMENT-CONTENT-${randomBytes(16).toString('hex')}`;
    const doc = new TextEncoder().encode(`%PDF-1.4\n% ${marker}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
    const m = multipart({ kind: 'diploma' }, { field: 'file', filename: `${marker}.pdf`, contentType: 'application/pdf', bytes: doc });
    const up = await fetch(`${base}/v1/candidate/documents?token=${portal}`, { method: 'POST', headers: m.headers, body: m.payload });
    expect(up.status, await up.clone().text()).toBe(201);
    const docId = ((await up.json()) as { id: string }).id;
    const png = multipart({ kind: 'id_copy' }, { field: 'file', filename: 'id.png', contentType: 'image/png', bytes: PNG_BYTES });
    expect((await fetch(`${base}/v1/candidate/documents?token=${portal}`, { method: 'POST', headers: png.headers, body: png.payload })).status).toBe(201);
    const download = await get(`/v1/employees/${employeeId}/documents/${docId}`, org.hr.token);
    expect(download.status).toBe(200);
    expect(await download.text()).toContain(marker);
    const messages = await get(`/v1/applications/${id}/messages?includeBodies=true`, org.hr.token);
    expect(messages.status).toBe(200);
    expect(JSON.stringify(await messages.json())).toContain(offerToken);
    await new Promise((r) => setTimeout(r, 300));

    const logs = api.output();
    const worker = workerLog.join('\n');
    // The capture works: requests were logged, with their candidate tokens replaced; one
    // line each, written when it was answered (17 above, and the start-up's own probes).
    const accessLog = logs
      .split('\n')
      .filter((l) => l.includes('"msg":"request completed"'))
      .map((l) => JSON.parse(l) as { reqId: string; req: { method: string; url: string }; res: { statusCode: number }; responseTime: number });
    expect(logs).not.toMatch(/incoming request/);
    expect(accessLog.length).toBeGreaterThanOrEqual(17);
    expect(new Set(accessLog.map((l) => l.reqId)).size).toBe(accessLog.length);
    expect(accessLog).toContainEqual(
      expect.objectContaining({ req: expect.objectContaining({ method: 'GET', url: '/offers/[redacted]' }), res: { statusCode: 401 }, responseTime: expect.any(Number) }),
    );
    expect(logs).toContain('/offers/[redacted]');
    expect(logs).toContain('token=[redacted]');
    expect(worker).toMatch(/message sent/);

    const mails = smtp.to(email);
    expect(mails.length).toBeGreaterThanOrEqual(2);
    const bodyLines = mails
      .flatMap((x) => (x.parsed.text ?? '').split('\n'))
      .map((l) => l.trim())
      .filter((l) => l.length >= 30);
    expect(bodyLines.length).toBeGreaterThan(0);
    const secrets: Record<string, string> = {
      'admin token': s.adminToken,
      'HR token': org.hr.token,
      'rejected bearer token': badToken,
      'tampered HR token': tamper(org.hr.token),
      'Idempotency-Key': idemKey,
      'offer link token': offerToken,
      'tampered offer token': tamper(offerToken),
      'pixel token': pixel,
      'portal token': portal,
      'document content': marker,
      'document bytes (base64)': Buffer.from(doc).toString('base64').slice(0, 40),
      'link signing secret': s.config.linkSigningSecret!,
      'payload key': s.config.PAYLOAD_KEYS!.split(':')[1]!,
    };
    bodyLines.forEach((l, i) => (secrets[`e-mail body line ${i}`] = l));
    const leaks = (text: string) => Object.entries(secrets).filter(([, v]) => text.includes(v)).map(([k]) => k);
    expect(leaks(logs), 'in the API process output').toEqual([]);
    expect(leaks(worker), "in the worker's activity log").toEqual([]);
  });

  it('even when the query parameter name is percent-encoded (tok%65n=...), which the API still accepts', async () => {
    expect(api && liveOffer, 'needs the API process and the offer link of the test above').toBeTruthy();
    const res = await fetch(`${api!.url}/v1/candidate/offer?tok%65n=${liveOffer}`);
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(api!.output().includes(liveOffer!), 'the offer token appears in the API log').toBe(false);
  });
});

describe('filter values that look like SQL are only values', () => {
  const hr = () => ({ authorization: `Bearer ${org.hr.token}` });
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  it.each([
    ['stage', `/v1/applications?stage=${encodeURIComponent("' OR 1=1 --")}`, 'querystring.stage'],
    ['jobId', `/v1/applications?jobId=${encodeURIComponent("'; DROP TABLE applications; --")}`, 'querystring.jobId'],
    ['departmentId', `/v1/applications?departmentId=${encodeURIComponent('1 OR 1=1')}`, 'querystring.departmentId'],
    ['limit', `/v1/applications?limit=${encodeURIComponent('1; DELETE FROM applications')}`, 'querystring.limit'],
    ['cursor (raw)', `/v1/applications?cursor=${encodeURIComponent("' OR 1=1 --")}`, 'querystring.cursor'],
    ['cursor (SQL in its time)', `/v1/applications?cursor=${b64({ t: "2020-01-01T00:00:00Z' OR '1'='1", id: crypto.randomUUID() })}`, 'querystring.cursor'],
    ['cursor (SQL in its id)', `/v1/applications?cursor=${b64({ t: new Date().toISOString(), id: "00000000-0000-0000-0000-000000000000' OR 1=1 --" })}`, 'querystring.cursor'],
    ['jobs departmentId', `/v1/jobs?departmentId=${encodeURIComponent("' OR ''='")}`, 'querystring.departmentId'],
    ['application id in the path', `/v1/applications/${encodeURIComponent("1' OR '1'='1")}`, 'params.id'],
  ])('%s -> 400 naming the field', async (_name, url, path) => {
    const res = await s.app.inject({ method: 'GET', url, headers: hr() });
    expectErrorFormat(res, 400, 'validation_failed');
    expect(json(res.body).error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('a ranking cursor with SQL -> 400; a discrepancy or task key with SQL is just an unknown key', async () => {
    const ranking = await s.app.inject({ method: 'GET', url: `/v1/jobs/${jobId}/ranking?cursor=${b64({ s: '1 OR 1=1', id: crypto.randomUUID() })}`, headers: hr() });
    expectErrorFormat(ranking, 400, 'validation_failed');
    const c = await s.api('POST', '/v1/applications', { token: org.integrator.token, body: application(jobId, 'strong') });
    await until(s, org, c.body.id, 'evaluation', (st) => st.stage === 'evaluation');
    const res = await s.api('POST', `/v1/applications/${c.body.id}/discrepancies/${encodeURIComponent("x' OR '1'='1")}/resolution`, {
      token: org.hr.token,
      body: { resolution: 'dismissed' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('text with SQL in it is stored and shown verbatim, and every table is still there', async () => {
    const evil = "Robert'); DROP TABLE applications; --";
    const before = await count('applications');
    const dept = await s.api('POST', '/v1/departments', { body: { name: evil, managerUserId: org.manager.id } });
    expect(dept.status, JSON.stringify(dept.body)).toBe(201);
    const listed = await s.api('GET', '/v1/departments', { token: org.hr.token });
    expect(listed.body.items.map((d: { name: string }) => d.name)).toContain(evil);
    const app = await s.api('POST', '/v1/applications', {
      token: org.integrator.token,
      body: application(jobId, 'average', { candidate: { name: evil, email: 'bobby.tables@candidates.example.com' } }),
    });
    expect(app.status, JSON.stringify(app.body)).toBe(202);
    expect((await status(s, org, app.body.id)).stage).toBeDefined();
    const [row] = await s.db.handle.rows<{ candidate_name: string }>(sql`select candidate_name from applications where id = ${app.body.id}`);
    expect(row!.candidate_name).toBe(evil);
    expect(await count('applications')).toBe(before + 1);
    const tables = await s.db.handle.rows<{ t: string | null }>(
      sql`select to_regclass(x) as t from unnest(array['public.applications','public.users','public.departments','public.jobs','public.employees','public.messages']) as x`,
    );
    expect(tables.map((t) => t.t)).toEqual(['applications', 'users', 'departments', 'jobs', 'employees', 'messages']);
  });
});
