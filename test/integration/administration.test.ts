/**
 * API keys, administration and the audit log over HTTP against the live stack: keys that
 * narrow their user's roles and stop working the moment they are revoked, expire or their
 * user is deactivated; changes to users, departments and jobs with the rules that keep an
 * organisation working (last admin, general manager, approval chains, closed jobs, job
 * versions); and an append-only audit row for each mutation, failed authentication and
 * read of sensitive data.
 */
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auditPlugin from '../../api/audit';
import depsPlugin from '../../api/plugins/deps';
import { ROUTE_SCOPES } from '../../api/scopes';
import { application, createOrg, createUser, type Org } from '../helpers/org';
import { atStage, inApproval, onboarded, quickJob, submitted } from '../helpers/scenario';
import { eventually, startStack, type Stack } from '../helpers/stack';

let s: Stack;
let org: Org;

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
});
afterAll(async () => {
  await s?.stop();
});

const rows = <T extends Record<string, unknown>>(q: ReturnType<typeof sql>) => s.db.handle.rows<T>(q);

function expectValidation(res: { status: number; body: any }, paths: string[]) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect((res.body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual([...paths].sort());
}

async function auditRows(where: ReturnType<typeof sql>) {
  return rows<{ action: string; actor_id: string | null; actor_type: string; actor_name: string | null; api_key_id: string | null; target_type: string | null; target_id: string | null; status: number; request_id: string | null; ip: string | null; user_agent: string | null; changes: any }>(
    sql`select * from audit_log where ${where} order by id`,
  );
}

describe('API keys', () => {
  it('a scoped key narrows its user: in scope it works, out of scope 403, and never beyond the roles', async () => {
    const key = await s.api('POST', `/v1/users/${org.integrator.id}/api-keys`, { body: { name: 'ATS read-only', scopes: ['applications:read'] } });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    expect(key.body).toMatchObject({ name: 'ATS read-only', scopes: ['applications:read'], revokedAt: null, userId: org.integrator.id });
    expect(key.body.key).toMatch(/^hwe_/);
    expect((await s.api('GET', '/v1/applications', { token: key.body.key })).status).toBe(200);
    const write = await s.api('POST', '/v1/applications', { token: key.body.key, body: application(org.jobId, 'strong') });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toContain('applications:write');
    expect(await rows(sql`select 1 from applications`)).toHaveLength(0);
    // A route no scope covers (none in the table) is closed to every scoped key.
    expect((await s.api('GET', '/v1/me', { token: key.body.key })).status).toBe(200);
    // organisation:manage on an integrator's key does not make them an admin.
    const wide = await s.api('POST', `/v1/users/${org.integrator.id}/api-keys`, { body: { name: 'too wide', scopes: ['organisation:manage'] } });
    const asAdmin = await s.api('POST', '/v1/users', { token: wide.body.key, body: { name: 'Nope', email: 'nope@example.com', roles: ['admin'] } });
    expect(asAdmin.status).toBe(403);
    expect(asAdmin.body.error.message).toContain('roles');
  });

  it('the token POST /v1/users returned is the first key; keys rotate without downtime; a revoked key fails at once', async () => {
    const u = await createUser(s, { name: 'Rita Rotate', roles: ['integrator'] });
    const list0 = await s.api('GET', `/v1/users/${u.id}/api-keys`);
    expect(list0.status).toBe(200);
    expect(list0.body.items).toEqual([expect.objectContaining({ name: 'initial token', scopes: null, revokedAt: null })]);
    const second = await s.api('POST', `/v1/users/${u.id}/api-keys`, { body: { name: 'rotated', scopes: ['applications:read', 'webhooks:manage'] } });
    expect(second.status).toBe(201);
    // both work side by side
    expect((await s.api('GET', '/v1/webhooks', { token: u.token })).status).toBe(200);
    expect((await s.api('GET', '/v1/webhooks', { token: second.body.key })).status).toBe(200);
    const firstId = list0.body.items[0].id as string;
    const revoke = await s.api('DELETE', `/v1/api-keys/${firstId}`);
    expect(revoke.status, JSON.stringify(revoke.body)).toBe(200);
    expect(revoke.body.revokedAt).toEqual(expect.any(String));
    expect((await s.api('GET', '/v1/me', { token: u.token })).status).toBe(401);
    expect((await s.api('GET', '/v1/webhooks', { token: second.body.key })).status).toBe(200);
    // revoking again is harmless and keeps the first time
    const again = await s.api('DELETE', `/v1/api-keys/${firstId}`);
    expect(again.body.revokedAt).toBe(revoke.body.revokedAt);
    // the list never shows a key or its hash
    const list = await s.api('GET', `/v1/users/${u.id}/api-keys`);
    const text = JSON.stringify(list.body);
    expect(list.body.items).toHaveLength(2);
    expect(text).not.toContain(second.body.key);
    expect(text).not.toMatch(/hash/i);
    expect(Object.keys(list.body.items[0]).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'scopes', 'userId']);
  });

  it('an expired key fails with 401, and the audit row says why', async () => {
    const k = await s.api('POST', `/v1/users/${org.hr.id}/api-keys`, { body: { name: 'short-lived', scopes: ['applications:read'], expiresAt: new Date(Date.now() + 3_600_000).toISOString() } });
    expect((await s.api('GET', '/v1/applications', { token: k.body.key })).status).toBe(200);
    // Time moves on: the expiry is now past.
    await rows(sql`update api_keys set expires_at = now() - interval '1 second' where id = ${k.body.id}`);
    const res = await s.api('GET', '/v1/applications', { token: k.body.key });
    expect(res.status).toBe(401);
    const [row] = await eventually(async () => {
      const r = await auditRows(sql`action = 'auth.failed' and api_key_id = ${k.body.id}`);
      return r.length ? r : null;
    });
    expect(row!.changes).toMatchObject({ reason: 'expired', route: 'GET /v1/applications' });
  });

  it('lastUsedAt is written at most once a minute per key', async () => {
    const a = await s.api('POST', `/v1/users/${org.hr.id}/api-keys`, { body: { name: 'recent', scopes: ['applications:read'] } });
    const b = await s.api('POST', `/v1/users/${org.hr.id}/api-keys`, { body: { name: 'stale', scopes: ['applications:read'] } });
    const [{ t: recent }] = (await rows<{ t: string }>(
      sql`update api_keys set last_used_at = now() - interval '30 seconds' where id = ${a.body.id} returning last_used_at::text as t`,
    )) as [{ t: string }];
    await rows(sql`update api_keys set last_used_at = now() - interval '90 seconds' where id = ${b.body.id}`);
    expect((await s.api('GET', '/v1/jobs', { token: a.body.key })).status).toBe(200);
    expect((await s.api('GET', '/v1/jobs', { token: b.body.key })).status).toBe(200);
    await eventually(async () => {
      const [r] = await rows<{ fresh: boolean }>(sql`select last_used_at > now() - interval '10 seconds' as fresh from api_keys where id = ${b.body.id}`);
      return r!.fresh;
    });
    const [r] = await rows<{ t: string }>(sql`select last_used_at::text as t from api_keys where id = ${a.body.id}`);
    expect(r!.t).toBe(recent);
  });

  it('every bearer route names the scope a key needs for it (api/scopes.ts), so none is open to every key by accident', () => {
    const doc = s.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const bearerRoutes = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/v1/') && !p.startsWith('/v1/candidate/'))
      .flatMap(([p, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(bearerRoutes.length).toBeGreaterThan(30);
    expect(bearerRoutes.filter((r) => !(r in ROUTE_SCOPES))).toEqual([]);
  });

  it('bad input: unknown scope, past expiry, unknown user or key; nothing created', async () => {
    const before = await rows(sql`select id from api_keys`);
    expectValidation(await s.api('POST', `/v1/users/${org.hr.id}/api-keys`, { body: { name: 'x', scopes: ['everything'] } }), ['body.scopes.0']);
    expectValidation(await s.api('POST', `/v1/users/${org.hr.id}/api-keys`, { body: { name: '', scopes: [] } }), ['body.name', 'body.scopes']);
    expectValidation(
      await s.api('POST', `/v1/users/${org.hr.id}/api-keys`, { body: { name: 'x', scopes: ['applications:read'], expiresAt: '2020-01-01T00:00:00Z' } }),
      ['body.expiresAt'],
    );
    const ghost = '7d6f1f0e-3c1b-4a43-9f59-5d0c1c1e2a10';
    expect((await s.api('POST', `/v1/users/${ghost}/api-keys`, { body: { name: 'x', scopes: ['applications:read'] } })).status).toBe(404);
    expect((await s.api('GET', `/v1/users/${ghost}/api-keys`)).status).toBe(404);
    expect((await s.api('DELETE', `/v1/api-keys/${ghost}`)).status).toBe(404);
    expect(await rows(sql`select id from api_keys`)).toEqual(before);
  });
});

describe('administration', () => {
  it('PATCH /v1/users moves a department manager into their department and changes roles, name and e-mail', async () => {
    const m = await createUser(s, { name: 'Nora New', roles: ['hiring_manager'] });
    const res = await s.api('PATCH', `/v1/users/${m.id}`, {
      body: { departmentId: org.otherDepartmentId, roles: ['hiring_manager', 'approver'], name: 'Nora Newman', email: 'Nora.Newman@Example.com' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ id: m.id, name: 'Nora Newman', email: 'nora.newman@example.com', roles: ['hiring_manager', 'approver'], departmentId: org.otherDepartmentId, active: true });
    const me = await s.api('GET', '/v1/me', { token: m.token });
    expect(me.body).toMatchObject({ departmentId: org.otherDepartmentId, roles: ['hiring_manager', 'approver'] });
    const out = await s.api('PATCH', `/v1/users/${m.id}`, { body: { departmentId: null } });
    expect(out.body.departmentId).toBeNull();
  });

  it('PATCH /v1/users: bad input is 400 with each field, a taken e-mail 409, an unknown user 404; nothing changes', async () => {
    const u = await createUser(s, { name: 'Stay Same', roles: ['hr'] });
    const snapshot = async () => rows(sql`select name, email, roles, department_id, active from users where id = ${u.id}`);
    const before = await snapshot();
    expectValidation(await s.api('PATCH', `/v1/users/${u.id}`, { body: { roles: ['wizard'], email: 'not-an-email', active: 'no' } }), ['body.roles.0', 'body.email', 'body.active']);
    expectValidation(await s.api('PATCH', `/v1/users/${u.id}`, { body: {} }), ['body']);
    expectValidation(await s.api('PATCH', `/v1/users/${u.id}`, { body: { departmentId: '7d6f1f0e-3c1b-4a43-9f59-5d0c1c1e2a10', name: 'Changed' } }), ['body.departmentId']);
    const [other] = await rows<{ email: string }>(sql`select email from users where id = ${org.hr.id}`);
    const taken = await s.api('PATCH', `/v1/users/${u.id}`, { body: { email: other!.email, name: 'Changed' } });
    expect(taken.status).toBe(409);
    expect((await s.api('PATCH', '/v1/users/7d6f1f0e-3c1b-4a43-9f59-5d0c1c1e2a10', { body: { name: 'x' } })).status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it('the last active admin cannot lose the role or be deactivated (409 saying why)', async () => {
    const a = await createUser(s, { name: 'Ada Admin', roles: ['admin'] });
    const res = await s.api('PATCH', `/v1/users/${a.id}`, { body: { roles: ['hr'] } });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('last active admin');
    expect((await s.api('PATCH', `/v1/users/${a.id}`, { body: { active: false } })).status).toBe(409);
    const b = await createUser(s, { name: 'Ben Admin', roles: ['admin'] });
    expect((await s.api('PATCH', `/v1/users/${a.id}`, { body: { roles: ['hr'] } })).status).toBe(200);
    const last = await s.api('PATCH', `/v1/users/${b.id}`, { body: { active: false } });
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/Ben Admin is the last active admin/);
    const [row] = await rows<{ active: boolean; roles: string[] }>(sql`select active, roles from users where id = ${b.id}`);
    expect(row).toEqual({ active: true, roles: ['admin'] });
  });

  it('the general manager named in settings cannot be deactivated or lose the approver role', async () => {
    const off = await s.api('PATCH', `/v1/users/${org.gm.id}`, { body: { active: false } });
    expect(off.status).toBe(409);
    expect(off.body.error.message).toContain('general manager');
    const unrole = await s.api('PATCH', `/v1/users/${org.gm.id}`, { body: { roles: ['hr'] } });
    expect(unrole.status).toBe(409);
    expect((await s.api('GET', '/v1/me', { token: org.gm.token })).body.roles).toEqual(['approver']);
    expect((await s.api('PATCH', `/v1/users/${org.gm.id}`, { body: { name: 'Gao Wang' } })).status).toBe(200);
  });

  it('PATCH /v1/departments changes the manager (placing them in it), name and default courses', async () => {
    const dept = await s.api('POST', '/v1/departments', { body: { name: 'Support', managerUserId: org.manager.id } });
    const newManager = await createUser(s, { name: 'Sam Support', roles: ['hiring_manager'] });
    const res = await s.api('PATCH', `/v1/departments/${dept.body.id}`, {
      token: org.hr.token,
      body: { managerUserId: newManager.id, name: 'Customer Support', defaultCourses: [{ key: 'tone', title: 'Tone of voice', passScore: 60 }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ name: 'Customer Support', managerUserId: newManager.id, defaultCourses: [{ key: 'tone' }] });
    expect((await s.api('GET', '/v1/me', { token: newManager.token })).body.departmentId).toBe(dept.body.id);
    const before = await rows(sql`select * from departments where id = ${dept.body.id}`);
    expectValidation(await s.api('PATCH', `/v1/departments/${dept.body.id}`, { body: { managerUserId: '7d6f1f0e-3c1b-4a43-9f59-5d0c1c1e2a10' } }), ['body.managerUserId']);
    expectValidation(await s.api('PATCH', `/v1/departments/${dept.body.id}`, { body: { defaultCourses: [{ key: 'Bad Key', title: '', passScore: 101 }] } }), [
      'body.defaultCourses.0.key',
      'body.defaultCourses.0.title',
      'body.defaultCourses.0.passScore',
    ]);
    const dup = await s.api('PATCH', `/v1/departments/${dept.body.id}`, { body: { name: (await rows<{ name: string }>(sql`select name from departments where id = ${org.departmentId}`))[0]!.name } });
    expect(dup.status).toBe(409);
    expect((await s.api('PATCH', '/v1/departments/7d6f1f0e-3c1b-4a43-9f59-5d0c1c1e2a10', { body: { name: 'x' } })).status).toBe(404);
    expect(await rows(sql`select * from departments where id = ${dept.body.id}`)).toEqual(before);
  });

  it('an approval chain names only approvers or department managers, on POST and PATCH', async () => {
    const it_ = org.it;
    const res = await s.api('POST', '/v1/jobs', {
      token: org.hr.token,
      body: { ...(await jobBody()), approvalChain: [{ approvers: [org.manager.id] }, { approvers: [org.gm.id, it_.id] }], aboveBandApproverUserId: org.hr.id },
    });
    expectValidation(res, ['body.approvalChain.1.approvers.1', 'body.aboveBandApproverUserId']);
    expect(res.body.error.details[0].message).toMatch(/approver role or manage a department/);
    // A department manager without the approver role is fine.
    const mgr = await createUser(s, { name: 'Dora Dept', roles: ['hiring_manager'] });
    const d = await s.api('POST', '/v1/departments', { body: { name: 'Design', managerUserId: mgr.id } });
    expect(d.status).toBe(201);
    const ok = await s.api('POST', '/v1/jobs', { token: org.hr.token, body: { ...(await jobBody()), approvalChain: [{ approvers: [mgr.id] }] } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const patch = await s.api('PATCH', `/v1/jobs/${ok.body.id}`, { token: org.hr.token, body: { approvalChain: [{ approvers: [it_.id] }] } });
    expectValidation(patch, ['body.approvalChain.0.approvers.0']);
    expect((await s.api('GET', `/v1/jobs/${ok.body.id}`)).body.approvalChain.map((l: any) => l.approvers)).toEqual([[mgr.id]]);
  });

  it('a closed job refuses applications with 409 job_closed; reopened, it takes them again', async () => {
    const jobId = await quickJob(s, org, { title: 'Closing Soon' });
    const closed = await s.api('PATCH', `/v1/jobs/${jobId}`, { token: org.hr.token, body: { status: 'closed' } });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', version: 1 });
    const before = await rows(sql`select id from applications where job_id = ${jobId}`);
    const refused = await s.api('POST', '/v1/applications', { token: org.integrator.token, body: application(jobId, 'strong') });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('job_closed');
    expect(await rows(sql`select id from applications where job_id = ${jobId}`)).toEqual(before);
    expect((await s.api('PATCH', `/v1/jobs/${jobId}`, { token: org.hr.token, body: { status: 'open' } })).status).toBe(200);
    expect((await s.api('POST', '/v1/applications', { token: org.integrator.token, body: application(jobId, 'strong') })).status).toBe(202);
  });

  it('a new competency model applies to later applications only; the job shows its versions', async () => {
    const jobId = await quickJob(s, org, { title: 'Versioned' });
    const early = await submitted(s, org, jobId);
    const model = (await s.api('GET', `/v1/jobs/${jobId}`)).body.competencies as { key: string }[];
    const next = [...model.filter((c) => c.key !== 'teamwork'), { key: 'leadership', name: 'Leadership', weight: 1, requiredLevel: 60, passScore: 50, skills: ['Communication'] }];
    const res = await s.api('PATCH', `/v1/jobs/${jobId}`, { token: org.hr.token, body: { competencies: next, title: 'Versioned Engineer' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.version).toBe(2);
    const late = await submitted(s, org, jobId);
    await atStage(s, org, early.id, 'evaluation');
    await atStage(s, org, late.id, 'evaluation');
    const oldRatings = { programming: 'good', systems: 'good', teamwork: 'good' };
    const newRatings = { programming: 'good', systems: 'good', leadership: 'good' };
    // The early application's workflow kept the model it started with...
    expect((await s.api('POST', `/v1/applications/${early.id}/evaluations`, { token: org.hr.token, body: { ratings: newRatings } })).status).toBe(400);
    expect((await s.api('POST', `/v1/applications/${early.id}/evaluations`, { token: org.hr.token, body: { ratings: oldRatings } })).status).toBe(200);
    // ...and the later one has the new one.
    expect((await s.api('POST', `/v1/applications/${late.id}/evaluations`, { token: org.hr.token, body: { ratings: newRatings } })).status).toBe(200);
    const job = await s.api('GET', `/v1/jobs/${jobId}`);
    expect(job.body).toMatchObject({ title: 'Versioned Engineer', version: 2, status: 'open' });
    expect(job.body.versions.map((v: any) => [v.version, v.changed])).toEqual([
      [1, []],
      [2, ['title', 'competencies']],
    ]);
    expect(job.body.versions[1].changedByName).toBe('Hana HR');
  });

  it('PATCH /v1/jobs: bad input is 400 with each field; nothing changes', async () => {
    const jobId = await quickJob(s, org, { title: 'Untouched' });
    const before = await rows(sql`select definition, version, status from jobs where id = ${jobId}`);
    expectValidation(await s.api('PATCH', `/v1/jobs/${jobId}`, { token: org.hr.token, body: { status: 'paused', timers: { offerExpiry: 'soon' } } }), [
      'body.status',
      'body.timers.offerExpiry',
    ]);
    const dupKeys = [
      { key: 'programming', name: 'A', weight: 1, requiredLevel: 50, passScore: 50, skills: ['Python'] },
      { key: 'programming', name: 'B', weight: 1, requiredLevel: 50, passScore: 50, skills: ['Go'] },
    ];
    expectValidation(await s.api('PATCH', `/v1/jobs/${jobId}`, { token: org.hr.token, body: { competencies: dupKeys } }), ['body.competencies.1.key']);
    expectValidation(await s.api('PATCH', `/v1/jobs/${jobId}`, { token: org.hr.token, body: {} }), ['body']);
    expect((await s.api('PATCH', '/v1/jobs/7d6f1f0e-3c1b-4a43-9f59-5d0c1c1e2a10', { token: org.hr.token, body: { title: 'x' } })).status).toBe(404);
    expect(await rows(sql`select definition, version, status from jobs where id = ${jobId}`)).toEqual(before);
    expect(await rows(sql`select version from job_versions where job_id = ${jobId}`)).toEqual([{ version: 1 }]);
  });

  it('deactivating a user fails their keys at once and tells HR, with a link, each thing they still owed', async () => {
    const p = await createUser(s, { name: 'Paula Approver', roles: ['approver'] });
    const jobId = await quickJob(s, org, { title: 'Owed', approvalChain: [{ approvers: [p.id] }] });
    const c = await inApproval(s, org, jobId);
    // An HR colleague who left hears nothing any more.
    const gone = await createUser(s, { name: 'Gone HR', roles: ['hr'] });
    const goneOff = await s.api('PATCH', `/v1/users/${gone.id}`, { body: { active: false } });
    expect(goneOff.body.reassignment).toEqual({ items: [], hrNotified: 0 });
    const res = await s.api('PATCH', `/v1/users/${p.id}`, { body: { active: false } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.active).toBe(false);
    expect(res.body.reassignment.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'approval', applicationId: c.id, link: `${s.config.publicUrl}/v1/applications/${c.id}` }),
        expect.objectContaining({ kind: 'job_reference', path: `/v1/jobs/${jobId}` }),
      ]),
    );
    expect(res.body.reassignment.hrNotified).toBeGreaterThanOrEqual(1);
    expect((await s.api('GET', '/v1/me', { token: p.token })).status).toBe(401);
    const [msg] = await rows<{ body_text: string }>(
      sql`select body_text from messages where template = 'reassignment_required' and recipient = (select email from users where id = ${org.hr.id})`,
    );
    expect(msg, 'a reassignment message to HR').toBeDefined();
    expect(msg!.body_text).toContain(c.name);
    expect(msg!.body_text).toContain(`/v1/applications/${c.id}`);
    expect(await rows(sql`select 1 from messages where template = 'reassignment_required' and recipient = (select email from users where id = ${gone.id})`)).toHaveLength(0);
    // A deactivated user cannot be named in a chain, nor given a key.
    expectValidation(await s.api('PATCH', `/v1/jobs/${jobId}`, { token: org.hr.token, body: { approvalChain: [{ approvers: [p.id] }] } }), ['body.approvalChain.0.approvers.0']);
    expect((await s.api('POST', `/v1/users/${p.id}/api-keys`, { body: { name: 'x', scopes: ['applications:read'] } })).status).toBe(409);
    // Reactivated, the same key works again.
    expect((await s.api('PATCH', `/v1/users/${p.id}`, { body: { active: true } })).status).toBe(200);
    expect((await s.api('GET', '/v1/me', { token: p.token })).status).toBe(200);
  });
});

async function jobBody() {
  const { JOB } = await import('../helpers/org');
  return JOB(org.departmentId);
}

describe('audit log', () => {
  it('a mutation is recorded with actor, key, action, target, request, address, user agent and what changed, never a secret', async () => {
    const key = await s.api('POST', `/v1/users/${org.integrator.id}/api-keys`, { body: { name: 'hooks', scopes: ['webhooks:manage'] } });
    const res = await s.api('POST', '/v1/webhooks', {
      token: key.body.key,
      headers: { 'user-agent': 'ats-sync/2.1' },
      body: { url: 'http://127.0.0.1:9/audit-target', events: ['offer.sent'], secret: 'audit-secret-value-0123456789' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [row] = await eventually(async () => {
      const r = await auditRows(sql`action = 'POST /v1/webhooks' and target_id = ${res.body.id}`);
      return r.length ? r : null;
    });
    expect(row).toMatchObject({
      actor_type: 'staff',
      actor_id: org.integrator.id,
      actor_name: 'Ivy Integrator',
      api_key_id: key.body.id,
      target_type: 'webhook',
      status: 201,
      user_agent: 'ats-sync/2.1',
      ip: '127.0.0.1',
    });
    expect(row!.request_id).toEqual(expect.any(String));
    expect(row!.changes.body).toMatchObject({ url: 'http://127.0.0.1:9/audit-target', secret: '[redacted]' });
    const all = JSON.stringify(await rows(sql`select * from audit_log`));
    expect(all).not.toContain('audit-secret-value-0123456789');
    expect(all).not.toContain(key.body.key);
  });

  it('failed authentications are recorded, with no token in them', async () => {
    const bogus = 'hwe_thisIsNotARealTokenButLooksLikeOne0123456789';
    const [{ last }] = (await rows<{ last: number }>(sql`select coalesce(max(id), 0)::int as last from audit_log`)) as [{ last: number }];
    expect((await s.api('GET', '/v1/applications', { token: bogus })).status).toBe(401);
    expect((await s.api('POST', '/v1/jobs', { token: null, body: {} })).status).toBe(401);
    const r = await eventually(async () => {
      const x = await auditRows(sql`id > ${last} and action = 'auth.failed' and changes->>'route' in ('GET /v1/applications', 'POST /v1/jobs')`);
      return x.length >= 2 ? x : null;
    });
    expect(r.map((x) => x.changes.reason).sort()).toEqual(['missing', 'unknown']);
    expect(r.every((x) => x.actor_type === 'anonymous' && x.status === 401)).toBe(true);
    expect(JSON.stringify(r)).not.toContain(bogus);
  });

  it('reads of documents, the offer letter and message bodies are recorded; a plain list is not', async () => {
    const jobId = await quickJob(s, org, { title: 'Audited Reads' });
    const e = await onboarded(s, org, jobId);
    const { multipart, PNG_BYTES } = await import('../helpers/multipart');
    const m = multipart({ kind: 'id_copy' }, { field: 'file', filename: 'id.png', contentType: 'image/png', bytes: PNG_BYTES });
    const up = await s.app.inject({ method: 'POST', url: `/v1/candidate/documents?token=${e.portalToken}`, payload: m.payload, headers: m.headers });
    expect(up.statusCode, up.body).toBe(201);
    const docId = JSON.parse(up.body).id as string;
    expect((await s.api('GET', `/v1/employees/${e.employeeId}/documents/${docId}`, { token: org.hr.token })).status).toBe(200);
    expect((await s.api('GET', `/v1/applications/${e.id}/messages?includeBodies=true`, { token: org.hr.token })).status).toBe(200);
    expect((await s.api('GET', `/v1/applications/${e.id}/messages`, { token: org.hr.token })).status).toBe(200);
    const pdf = await s.app.inject({ method: 'GET', url: `/v1/candidate/offer.pdf?token=${e.offerToken}&copy=signed` });
    expect(pdf.statusCode).toBe(200);
    await eventually(async () => {
      const doc = await auditRows(sql`action = 'GET /v1/employees/:id/documents/:documentId' and target_id = ${docId}`);
      const msgs = await auditRows(sql`action = 'GET /v1/applications/:id/messages' and target_id = ${e.id}`);
      const letter = await auditRows(sql`action = 'GET /v1/candidate/offer.pdf' and target_id = ${e.id}`);
      const upload = await auditRows(sql`action = 'POST /v1/candidate/documents' and changes->>'applicationId' = ${e.id}`);
      if (!doc.length || !msgs.length || !letter.length || !upload.length) return null;
      expect(doc[0]).toMatchObject({ actor_id: org.hr.id, target_type: 'document' });
      expect(msgs).toHaveLength(1); // the list without bodies is not a sensitive read
      expect(letter[0]).toMatchObject({ actor_type: 'candidate', target_type: 'application' });
      expect(upload[0]).toMatchObject({ actor_type: 'candidate', target_type: 'document', target_id: docId });
      expect(JSON.stringify([letter, upload])).not.toContain(e.portalToken);
      return true;
    });
  });

  it('GET /v1/audit filters by actor, target, action and time, newest first, with a cursor', async () => {
    const u = await createUser(s, { name: 'Audit Subject', roles: ['hr'] });
    for (const name of ['One', 'Two', 'Three']) {
      expect((await s.api('PATCH', `/v1/users/${u.id}`, { body: { name } })).status).toBe(200);
    }
    const all = await eventually(async () => {
      const r = await s.api('GET', `/v1/audit?targetId=${u.id}&action=${encodeURIComponent('PATCH /v1/users/:id')}`);
      return r.body.items?.length === 3 ? r.body.items : null;
    });
    expect(all.map((x: any) => x.changes.body.name)).toEqual(['Three', 'Two', 'One']);
    const p1 = await s.api('GET', `/v1/audit?targetId=${u.id}&limit=2`);
    expect(p1.body.items).toHaveLength(2);
    const p2 = await s.api('GET', `/v1/audit?targetId=${u.id}&limit=2&cursor=${p1.body.nextCursor}`);
    expect([...p1.body.items, ...p2.body.items].map((x: any) => x.id)).toEqual(
      (await s.api('GET', `/v1/audit?targetId=${u.id}&limit=50`)).body.items.map((x: any) => x.id),
    );
    expect(p2.body.nextCursor).toBeNull();
    const since = all[1].at as string;
    const window = await s.api('GET', `/v1/audit?targetId=${u.id}&since=${encodeURIComponent(since)}&until=${encodeURIComponent(all[0].at)}`);
    expect(window.body.items.map((x: any) => x.id)).toEqual([all[1].id]);
    const hr = await s.api('GET', `/v1/audit?actorId=${org.hr.id}&limit=200`);
    expect(hr.body.items.length).toBeGreaterThan(0);
    expect(hr.body.items.every((x: any) => x.actorId === org.hr.id)).toBe(true);
    expect((await s.api('GET', '/v1/audit', { token: org.hr.token })).status).toBe(403);
  });

  it('GET /v1/audit: bad filters are 400 naming each', async () => {
    const res = await s.api('GET', '/v1/audit?actorId=nope&since=yesterday&limit=0');
    expectValidation(res, ['querystring.actorId', 'querystring.since', 'querystring.limit']);
    expectValidation(await s.api('GET', '/v1/audit?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z'), ['querystring.until']);
    expectValidation(await s.api('GET', '/v1/audit?cursor=garbage'), ['querystring.cursor']);
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE on the audit log', async () => {
    await eventually(async () => (await rows(sql`select id from audit_log limit 1`)).length > 0);
    const count = async () => (await rows<{ n: number }>(sql`select count(*)::int as n from audit_log`))[0]!.n;
    const before = await count();
    // The database's own message, under the driver's "Failed query" wrapper.
    const refusal = (q: ReturnType<typeof sql>) =>
      rows(q).then(
        () => 'allowed',
        (e: unknown) => String((e as { cause?: { message?: string } }).cause?.message ?? e),
      );
    expect(await refusal(sql`update audit_log set actor_name = 'someone else'`)).toMatch(/append-only: UPDATE refused/);
    expect(await refusal(sql`delete from audit_log`)).toMatch(/append-only: DELETE refused/);
    expect(await refusal(sql`truncate audit_log`)).toMatch(/append-only: TRUNCATE refused/);
    expect(await count()).toBeGreaterThanOrEqual(before);
    expect(await rows(sql`select 1 from audit_log where actor_name = 'someone else'`)).toHaveLength(0);
  });

  it('a route added tomorrow is audited without a line of its own', async () => {
    const app = Fastify();
    await app.register(depsPlugin, { config: s.config, db: s.db.handle, temporal: s.temporal });
    await app.register(auditPlugin);
    app.post('/v1/gadgets/:id/polish', async () => ({ ok: true }));
    await app.ready();
    const id = '0f0e0d0c-0b0a-4908-8706-050403020100';
    const res = await app.inject({ method: 'POST', url: `/v1/gadgets/${id}/polish`, payload: { shine: 'high', apiKey: 'never-stored' } });
    expect(res.statusCode).toBe(200);
    const [row] = await eventually(async () => {
      const r = await auditRows(sql`target_id = ${id}`);
      return r.length ? r : null;
    });
    expect(row).toMatchObject({ action: 'POST /v1/gadgets/:id/polish', target_type: 'gadget', status: 200, actor_type: 'anonymous' });
    expect(row!.changes.body).toEqual({ shine: 'high', apiKey: '[redacted]' });
    await app.close();
  });
});
