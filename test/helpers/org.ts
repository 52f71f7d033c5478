/**
 * A demo organisation built through the HTTP API, and application payloads with clearly
 * different profiles. Shared by the integration tests.
 */
import { expect } from 'vitest';
import type { TCreateApplication } from '../../domain/contracts/application';
import { JOB } from './actors';
import type { Stack } from './stack';

export { JOB };

export interface Org {
  hr: { id: string; token: string };
  manager: { id: string; token: string };
  otherManager: { id: string; token: string };
  gm: { id: string; token: string };
  integrator: { id: string; token: string };
  it: { id: string; token: string };
  departmentId: string;
  otherDepartmentId: string;
  jobId: string;
}

let seq = 0;

export async function createUser(s: Stack, body: { name: string; roles: string[]; departmentId?: string; email?: string }) {
  seq += 1;
  const res = await s.api('POST', '/v1/users', {
    body: { email: `${body.name.toLowerCase().replace(/\W+/g, '.')}.${seq}@example.com`, ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; token: string };
}


export async function createOrg(s: Stack): Promise<Org> {
  const hr = await createUser(s, { name: 'Hana HR', roles: ['hr'] });
  const manager = await createUser(s, { name: 'Mei Manager', roles: ['hiring_manager', 'approver'] });
  const otherManager = await createUser(s, { name: 'Otto Other', roles: ['hiring_manager', 'approver'] });
  const gm = await createUser(s, { name: 'Gao GM', roles: ['approver'] });
  const integrator = await createUser(s, { name: 'Ivy Integrator', roles: ['integrator'] });
  const it = await createUser(s, { name: 'Ian IT', roles: ['it'] });
  const dept = await s.api('POST', '/v1/departments', { body: { name: `Engineering ${seq}`, managerUserId: manager.id } });
  expect(dept.status).toBe(201);
  const other = await s.api('POST', '/v1/departments', { body: { name: `Sales ${seq}`, managerUserId: otherManager.id } });
  expect(other.status).toBe(201);
  const settings = await s.api('PUT', '/v1/settings', {
    body: { companyName: 'Acme Robotics', companyAddress: '1 Harbour Road, Shanghai', generalManagerUserId: gm.id },
  });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  const job = await s.api('POST', '/v1/jobs', { token: hr.token, body: JOB(dept.body.id) });
  expect(job.status, JSON.stringify(job.body)).toBe(201);
  return {
    hr,
    manager,
    otherManager,
    gm,
    integrator,
    it,
    departmentId: dept.body.id,
    otherDepartmentId: other.body.id,
    jobId: job.body.id,
  };
}

type Profile = 'strong' | 'average' | 'weak' | 'contradictory';

/** An application whose resume and interview agree (or, for 'contradictory', clash on Python). */
export function application(jobId: string, profile: Profile, over: Partial<TCreateApplication> = {}): TCreateApplication {
  const level = { strong: 'expert', average: 'proficient', weak: 'familiar', contradictory: 'expert' } as const;
  const score = { strong: 92, average: 70, weak: 35, contradictory: 40 }[profile];
  const sys = { strong: 88, average: 66, weak: 30, contradictory: 75 }[profile];
  return {
    jobId,
    candidate: { name: `Candidate ${profile}`, email: `${profile}@candidates.example.com`, locale: 'en' },
    resume: {
      skills: [
        { name: 'Python', level: level[profile], years: profile === 'weak' ? 1 : 6 },
        { name: 'PostgreSQL', level: profile === 'weak' ? 'familiar' : 'proficient', years: 4 },
        { name: 'Communication', level: 'proficient' },
      ],
      experienceYears: profile === 'weak' ? 1 : 6,
      workHistory: [
        { company: 'Initech', title: 'Engineer', from: '2019-01', to: '2022-06', summary: 'Python services on PostgreSQL' },
        { company: 'Globex', title: 'Senior Engineer', from: '2022-07', summary: 'Kafka pipelines' },
      ].slice(profile === 'weak' ? 1 : 0),
      projects: [{ name: 'Billing', summary: 'Event-driven billing', skills: ['Kafka', 'Python'] }],
      certificates: [],
      education: [{ school: 'Fudan University', degree: 'BSc', field: 'Computer Science', year: 2018 }],
    },
    interview: {
      completedAt: '2026-11-20T09:00:00Z',
      accuracy: { strong: 0.9, average: 0.7, weak: 0.35, contradictory: 0.5 }[profile],
      questions: [
        { id: 'q-py-1', skill: 'Python', correct: profile !== 'weak' && profile !== 'contradictory' },
        { id: 'q-py-2', skill: 'Python', correct: profile === 'strong' },
        { id: 'q-pg-1', skill: 'PostgreSQL', correct: profile !== 'weak' },
      ],
      skillScores: { Python: score, PostgreSQL: sys, Kafka: sys, Communication: 75 },
      competencyScores: { teamwork: { strong: 85, average: 70, weak: 55, contradictory: 70 }[profile] },
      behavior: { eyeContact: 0.8, toneVariation: 0.6 },
      keywordsMatched: ['Python', 'Kafka'],
      recordingUrl: 'https://recordings.example.com/r/abc',
    },
    ...over,
  };
}
