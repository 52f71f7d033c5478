/**
 * A whole organisation set up through the API alone, as a new admin would, then one
 * application driven to `hired` by the people it created: the bootstrap token makes the
 * first admin; the admin creates HR, hiring managers, approvers, IT and an integrator,
 * names the general manager; HR creates the departments with their managers; users are
 * then moved into their departments (people first, departments second, memberships
 * last); HR opens a job whose approval chain names a department manager and the general
 * manager; the integrator runs on scoped API keys only (its first token revoked). The
 * audit log then says who did each step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journey, type ActorOrg, type Person } from '../helpers/actors';
import { Mailbox, type ApiFn } from '../helpers/chaos';
import { JOB } from '../helpers/org';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { startStack, type Stack } from '../helpers/stack';

let s: Stack;
let smtp: TTestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  s = await startStack({ env: { SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await s?.stop();
  await smtp?.close();
});

/** The API as Journey drives it: no token unless one is given. */
const api: ApiFn = async (method, url, o = {}) => {
  const res = await s.app.inject({
    method,
    url,
    headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
    ...(o.payload !== undefined ? { payload: o.payload } : o.body !== undefined ? { payload: o.body as object } : {}),
  });
  const json = String(res.headers['content-type'] ?? '').includes('json') && res.body;
  return { status: res.statusCode, body: json ? JSON.parse(res.body) : res.body, headers: res.headers };
};

async function ok(res: Promise<{ status: number; body: any }> | { status: number; body: any }, status: number) {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

describe('an organisation set up through the API alone', () => {
  it('runs an application to hired with the people it created, and the audit log names each of them', async () => {
    // 1. The bootstrap token makes the first admin; from then on the admin's own token.
    const adaBody = await ok(api('POST', '/v1/users', { token: s.adminToken, body: { name: 'Ada Admin', email: 'ada@acme.example', roles: ['admin'] } }), 201);
    const admin = adaBody.token as string;
    const person = async (name: string, email: string, roles: string[]): Promise<Person> => {
      const b = await ok(api('POST', '/v1/users', { token: admin, body: { name, email, roles } }), 201);
      return { id: b.id, token: b.token, email };
    };
    const hr = await person('Hana HR', 'hana@acme.example', ['hr']);
    const mei = await person('Mei Chen', 'mei@acme.example', ['hiring_manager', 'mentor']);
    const hugo = await person('Hugo Hiring', 'hugo@acme.example', ['hiring_manager']);
    const sven = await person('Sven Sales', 'sven@acme.example', ['hiring_manager']);
    const gm = await person('Gao Wang', 'gao@acme.example', ['approver']);
    const it_ = await person('Ian IT', 'ian@acme.example', ['it']);
    const ats = await person('ATS integration', 'ats@acme.example', ['integrator']);

    // 2. Settings name the general manager.
    await ok(api('PUT', '/v1/settings', { token: admin, body: { companyName: 'Acme Robotics', companyAddress: '1 Harbour Road, Shanghai', generalManagerUserId: gm.id } }), 200);

    // 3. Departments with their managers (who exist already), then the memberships.
    const eng = (await ok(api('POST', '/v1/departments', { token: hr.token, body: { name: 'Engineering', managerUserId: mei.id } }), 201)).id as string;
    const sales = (await ok(api('POST', '/v1/departments', { token: hr.token, body: { name: 'Sales', managerUserId: sven.id } }), 201)).id as string;
    await ok(api('PATCH', `/v1/users/${hugo.id}`, { token: admin, body: { departmentId: eng } }), 200);
    await ok(api('PATCH', `/v1/users/${mei.id}`, { token: admin, body: { departmentId: eng } }), 200);
    expect((await ok(api('GET', '/v1/me', { token: mei.token }), 200)).departmentId).toBe(eng);
    expect((await ok(api('GET', '/v1/me', { token: sven.token }), 200)).departmentId).toBe(sales);

    // 4. HR opens the job: the chain names Engineering's manager (no approver role needed) and the GM.
    const jobId = (await ok(
      api('POST', '/v1/jobs', { token: hr.token, body: { ...JOB(eng), approvalChain: [{ approvers: [mei.id] }, { approvers: [gm.id] }] } }),
      201,
    )).id as string;

    // 5. The integrator works on scoped keys only: one for the ATS and the LMS, its first token revoked.
    const atsKey = await ok(
      api('POST', `/v1/users/${ats.id}/api-keys`, { token: admin, body: { name: 'ATS + LMS', scopes: ['applications:write', 'applications:read', 'lms:write'] } }),
      201,
    );
    const hooksKey = await ok(api('POST', `/v1/users/${ats.id}/api-keys`, { token: admin, body: { name: 'webhooks only', scopes: ['webhooks:manage'] } }), 201);
    const keys = await ok(api('GET', `/v1/users/${ats.id}/api-keys`, { token: admin }), 200);
    const initial = (keys.items as { id: string; name: string }[]).find((k) => k.name === 'initial token')!;
    await ok(api('DELETE', `/v1/api-keys/${initial.id}`, { token: admin }), 200);
    expect((await api('GET', '/v1/me', { token: ats.token })).status).toBe(401);
    expect((await api('POST', '/v1/applications', { token: hooksKey.key, body: {} })).status).toBe(403);

    // 6. One application, from submission to hired, by these people.
    const org: ActorOrg = {
      hr,
      manager: mei,
      gm,
      integrator: { ...ats, token: atsKey.key as string },
      it: it_,
      departmentId: eng,
      jobId,
    };
    const journey = await new Journey(1, api, org, new Mailbox(smtp), 'org-setup', { waitTimeoutMs: 120_000 }).run();
    expect(journey.error, `stopped at ${journey.step}`).toBeUndefined();
    expect(journey.done).toBe(true);

    // The department scoping holds: Engineering's second manager sees the application, Sales' does not.
    const hugoList = await ok(api('GET', '/v1/applications', { token: hugo.token }), 200);
    expect(hugoList.items.map((a: { id: string }) => a.id)).toContain(journey.id);
    expect((await api('GET', `/v1/applications/${journey.id}`, { token: sven.token })).status).toBe(404);

    // 7. The audit log says who did what: the integrator's key submitted, HR decided, each approver approved.
    const audit = async (q: string) => (await ok(api('GET', `/v1/audit?${q}&limit=200`, { token: admin }), 200)).items as any[];
    const submitted = await audit(`actorId=${ats.id}&action=${encodeURIComponent('POST /v1/applications')}`);
    expect(submitted).toEqual([
      expect.objectContaining({ targetId: journey.id, apiKeyId: atsKey.id, status: 202 }),
      // the refused attempt with the webhooks-only key is on record too
      expect.objectContaining({ apiKeyId: hooksKey.id, status: 403 }),
    ]);
    const onApplication = await audit(`targetId=${journey.id}`);
    const who = (action: string) => onApplication.filter((r) => r.action === action && r.status < 300).map((r) => r.actorName).sort();
    expect(who('POST /v1/applications/:id/decision')).toEqual(['Hana HR']);
    expect(who('POST /v1/applications/:id/offer/approvals')).toEqual(['Gao Wang', 'Mei Chen']);
    expect(who('POST /v1/applications/:id/evaluations')).toEqual(['Hana HR', 'Mei Chen']);
    const lms = await audit(`actorId=${ats.id}&action=${encodeURIComponent('POST /v1/employees/:id/courses/:courseKey/result')}`);
    expect(lms).toEqual([expect.objectContaining({ targetId: journey.employeeId, apiKeyId: atsKey.id })]);
    const setup = await audit(`actorId=${adaBody.id}`);
    expect(setup.map((r) => r.action)).toEqual(expect.arrayContaining(['POST /v1/users', 'PUT /v1/settings', 'PATCH /v1/users/:id', 'POST /v1/users/:id/api-keys', 'DELETE /v1/api-keys/:id']));
  });
});
