/**
 * The demo organisation for `npm start`: an admin, an HR user, an Engineering department
 * with its manager, a general manager, an integrator, settings and one job. Idempotent:
 * a second run finds the admin and changes nothing. Tokens are returned only when created.
 */
import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { ZCreateJobSchema, type TCreateJob } from '../domain/contracts/job';
import { ZSettingsDefaultsSchema } from '../domain/contracts/settings';
import type { Db } from './client';
import { apiKeys, departments, jobs, settings, users } from './schema';

export const DEMO_ADMIN_EMAIL = 'admin@demo.example.com';

export interface DemoPerson {
  role: string;
  name: string;
  email: string;
  token: string;
}

export interface DemoSeed {
  created: boolean;
  people: DemoPerson[];
  jobId: string;
  departmentId: string;
}

const token = () => `hwe_${randomBytes(32).toString('base64url')}`;
const hash = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');

/** The competency model of the demo's Backend Engineer (the tests' job uses it too). */
export const BACKEND_ENGINEER_COMPETENCIES = [
  { key: 'programming', name: 'Programming ability', weight: 3, requiredLevel: 80, passScore: 65, skills: ['Python', 'TypeScript'] },
  { key: 'systems', name: 'Distributed systems', weight: 2, requiredLevel: 70, passScore: 60, skills: ['Kafka', 'PostgreSQL'] },
  { key: 'teamwork', name: 'Teamwork', weight: 1, requiredLevel: 60, passScore: 50, skills: ['Communication'] },
];

export function demoJob(departmentId: string, approvers: { managerId: string; gmId: string }): TCreateJob {
  return ZCreateJobSchema.parse({
    title: 'Backend Engineer',
    departmentId,
    competencies: BACKEND_ENGINEER_COMPETENCIES,
    salaryBand: { min: 250000, max: 450000, currency: 'CNY', period: 'year' },
    approvalChain: [{ approvers: [approvers.managerId] }, { approvers: [approvers.gmId] }],
  });
}

export async function seedDemo(db: Db): Promise<DemoSeed> {
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_ADMIN_EMAIL));
  if (existing) {
    const [job] = await db.select({ id: jobs.id, departmentId: jobs.departmentId }).from(jobs).limit(1);
    return { created: false, people: [], jobId: job?.id ?? '', departmentId: job?.departmentId ?? '' };
  }
  return db.transaction(async (tx) => {
    const people: DemoPerson[] = [];
    const add = async (role: string, name: string, email: string, roles: string[]) => {
      const t = token();
      const [row] = await tx.insert(users).values({ name, email, roles }).returning({ id: users.id });
      await tx.insert(apiKeys).values({ userId: row!.id, name: 'initial token', keyHash: hash(t) });
      people.push({ role, name, email, token: t });
      return row!.id;
    };
    await add('admin', 'Ada Admin', DEMO_ADMIN_EMAIL, ['admin']);
    await add('hr', 'Hana Li (HR)', 'hr@demo.example.com', ['hr']);
    const managerId = await add('hiring manager', 'Mei Chen (Engineering manager)', 'manager@demo.example.com', [
      'hiring_manager',
      'approver',
      'mentor',
    ]);
    const gmId = await add('general manager', 'Gao Wang (General manager)', 'gm@demo.example.com', ['approver']);
    await add('integrator', 'ATS integration', 'ats@demo.example.com', ['integrator']);
    const [dept] = await tx.insert(departments).values({ name: 'Engineering', managerUserId: managerId }).returning({ id: departments.id });
    await tx.update(users).set({ departmentId: dept!.id }).where(eq(users.id, managerId));
    await tx.insert(settings).values({
      id: 1,
      companyName: 'Acme Robotics',
      companyAddress: '88 Century Avenue, Pudong, Shanghai',
      generalManagerUserId: gmId,
      defaults: ZSettingsDefaultsSchema.parse({}),
    });
    const definition = demoJob(dept!.id, { managerId, gmId });
    const [job] = await tx.insert(jobs).values({ title: definition.title, departmentId: dept!.id, definition }).returning({ id: jobs.id });
    return { created: true, people, jobId: job!.id, departmentId: dept!.id };
  });
}
