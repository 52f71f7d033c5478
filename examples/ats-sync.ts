/**
 * An ATS integration end to end, through the typed client, against `npm start`:
 * submit a batch of applications, follow the event feed, approve the offers waiting for
 * the demo approvers, print the new employees.
 *
 *   npm start                      # in another terminal
 *   npx tsx examples/ats-sync.ts   # BASE_URL (http://127.0.0.1:3000), DATA_DIR (.data)
 *
 * Tokens come from DATA_DIR/demo-tokens.json, which `npm start` writes for the demo users.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHiringClient, HiringApiError } from '../clients/typescript/src/index.js';

interface DemoPerson {
  role: string;
  name: string;
  token: string;
}

const baseUrl = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const people = JSON.parse(readFileSync(path.join(process.env.DATA_DIR ?? '.data', 'demo-tokens.json'), 'utf8')) as DemoPerson[];
const tokenOf = (role: string) => {
  const p = people.find((x) => x.role === role);
  if (!p) throw new Error(`no demo ${role} in demo-tokens.json (roles: ${people.map((x) => x.role).join(', ')})`);
  return p.token;
};

const ats = createHiringClient({ baseUrl, token: tokenOf('integrator') });

async function main() {
  // 1. A batch of three applications for the first job, idempotent by externalId.
  const jobs = (await ats.unwrap(ats.GET('/v1/jobs'))) as unknown as { items: { id: string; title: string }[] };
  const job = jobs.items[0];
  if (!job) throw new Error('no job: is this the demo organisation?');
  const run = Date.now().toString(36);
  const items = ['Ada', 'Grace', 'Linus'].map((name, i) => ({
    externalId: `ats-example-${run}-${i}`,
    jobId: job.id,
    candidate: { name: `${name} Example`, email: `${name.toLowerCase()}.${run}@candidates.example.com`, locale: 'en' },
    resume: {
      skills: [{ name: 'Python', level: 'proficient', years: 5 }],
      experienceYears: 5,
      workHistory: [{ company: 'Initech', title: 'Engineer', from: '2020-01', summary: 'Python services' }],
      projects: [],
      certificates: [],
      education: [],
    },
    interview: {
      completedAt: new Date().toISOString(),
      accuracy: 0.8,
      questions: [{ id: 'q1', skill: 'Python', correct: true }],
      skillScores: { Python: 80 },
      competencyScores: {},
      behavior: {},
      keywordsMatched: ['Python'],
    },
  }));
  const { results } = await ats.unwrap(ats.POST('/v1/applications/batch', { body: { items } }));
  for (const r of results) console.log(`item ${r.index}: ${r.status}${r.id ? ` ${r.id}` : ''}${r.error ? ` ${r.error.message}` : ''}`);
  const ids = new Set(results.flatMap((r) => (r.id ? [r.id] : [])));

  // 2. Follow the feed until each of them has moved on (or 60 s have passed).
  const moved = new Set<string>();
  const stop = AbortSignal.timeout(60_000);
  try {
    for await (const ev of ats.events({ types: ['application.stage_changed'], follow: true, pollMs: 1_000, signal: stop })) {
      if (!ev.applicationId || !ids.has(ev.applicationId)) continue;
      console.log(`event ${ev.type} ${ev.applicationId}: ${JSON.stringify(ev.data)}`);
      moved.add(ev.applicationId);
      if (moved.size === ids.size) break;
    }
  } catch (e) {
    if (!stop.aborted) throw e;
    console.log(`stopped following after 60 s (${moved.size} of ${ids.size} moved)`);
  }

  // 3. Approve what waits for the demo approvers (offers HR submitted for approval).
  for (const person of people) {
    const approver = createHiringClient({ baseUrl, token: person.token });
    const inbox = (await approver.unwrap(approver.GET('/v1/approvals'))) as unknown as { items: { applicationId: string; version: number }[] };
    for (const item of inbox.items) {
      try {
        await approver.POST('/v1/applications/{id}/offer/approvals', {
          params: { path: { id: item.applicationId } },
          body: { decision: 'approve', version: item.version, comment: 'approved from the ATS' },
        });
        console.log(`${person.name} approved the offer of ${item.applicationId} (v${item.version})`);
      } catch (e) {
        if (e instanceof HiringApiError) console.log(`${person.name}: ${e.status} ${e.code} ${e.message}`);
        else throw e;
      }
    }
  }

  // 4. The new hires, for the EHR side.
  for await (const emp of ats.pages((cursor) => ats.unwrap(ats.GET('/v1/employees', { params: { query: cursor ? { cursor } : {} } })))) {
    console.log(`employee ${emp.employeeNumber} ${emp.name} (${emp.status}) starts ${emp.startDate}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof HiringApiError ? `${e.status} ${e.code}: ${e.message} ${JSON.stringify(e.details)}` : e);
  process.exit(1);
});
