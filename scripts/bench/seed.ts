/** The benchmark's organisation, built through the API as a customer would. */
import type { TRole } from '../../domain/contracts/common';
import type { TActor } from '../../workflows/messages';
import type { Http } from './http';
import { JOB } from './fixtures';

export interface Person {
  id: string;
  token: string;
  name: string;
  roles: string[];
}

export interface BenchOrg {
  hr: Person;
  manager: Person;
  gm: Person;
  integrator: Person;
  it: Person;
  departmentId: string;
  jobId: string;
}

export async function seedOrg(http: Http, adminToken: string): Promise<BenchOrg> {
  const user = async (name: string, roles: string[]): Promise<Person> => {
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}@bench.example.com`;
    const r = await http.must<{ id: string; token: string }>(201, 'POST', '/v1/users', { token: adminToken, body: { name, email, roles } });
    return { id: r.body.id, token: r.body.token, name, roles };
  };
  const hr = await user('Hana HR', ['hr']);
  const manager = await user('Mei Manager', ['hiring_manager', 'approver']);
  const gm = await user('Gao GM', ['approver']);
  const integrator = await user('Ivy Integrator', ['integrator']);
  const it = await user('Ian IT', ['it']);
  const dept = await http.must<{ id: string }>(201, 'POST', '/v1/departments', {
    token: adminToken,
    body: { name: 'Engineering', managerUserId: manager.id },
  });
  // The manager evaluates as the department's hiring manager: creating the department placed them in it.
  await checkDepartment(http, manager, dept.body.id);
  await http.must(200, 'PUT', '/v1/settings', {
    token: adminToken,
    body: { companyName: 'Acme Robotics', companyAddress: '1 Harbour Road, Shanghai', generalManagerUserId: gm.id },
  });
  const job = await http.must<{ id: string }>(201, 'POST', '/v1/jobs', { token: hr.token, body: JOB(dept.body.id) });
  return { hr, manager, gm, integrator, it, departmentId: dept.body.id, jobId: job.body.id };
}

async function checkDepartment(http: Http, p: Person, departmentId: string) {
  const me = await http.must<{ departmentId: string | null }>(200, 'GET', '/v1/me', { token: p.token });
  if (me.body.departmentId !== departmentId) throw new Error(`the department's manager is not in it (departmentId ${me.body.departmentId})`);
}

export async function createJob(http: Http, org: BenchOrg, title: string): Promise<string> {
  const r = await http.must<{ id: string }>(201, 'POST', '/v1/jobs', { token: org.hr.token, body: JOB(org.departmentId, title) });
  return r.body.id;
}

/** The actor the API builds from a person's token, for the raw-client references. */
export const actorOf = (p: Person, departmentId: string | null): TActor => ({ id: p.id, name: p.name, roles: p.roles as TRole[], departmentId });
