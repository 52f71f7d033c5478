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
import { pathToFileURL } from 'node:url';
import { createHiringClient, HiringApiError } from '../clients/typescript/src/index.js';

export interface DemoPerson {
  role: string;
  name: string;
  token: string;
}

export interface AtsSyncOptions {
  baseUrl: string;
  /** The demo users (DATA_DIR/demo-tokens.json): the integrator acts for the ATS, every approver approves. */
  people: DemoPerson[];
  /** How long to follow the feed for the batch's applications to move on (60 s). */
  followMs?: number;
  log?: (line: string) => void;
}

/** What a run did, for a test to check. */
export interface AtsSyncOutcome {
  results: { index: number; status: string; id?: string }[];
  moved: number;
  approved: number;
  employees: number;
}

export async function atsSync({ baseUrl, people, followMs = 60_000, log = console.log }: AtsSyncOptions): Promise<AtsSyncOutcome> {
  const tokenOf = (role: string) => {
    const p = people.find((x) => x.role === role);
    if (!p) throw new Error(`no demo ${role} in demo-tokens.json (roles: ${people.map((x) => x.role).join(', ')})`);
    return p.token;
  };
  const ats = createHiringClient({ baseUrl, token: tokenOf('integrator') });
  let approved = 0;
  let employees = 0;

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
      behavior: { eyeContact: 0.7, toneVariation: 0.6 },
      keywordsMatched: ['Python'],
      recordingUrl: `https://ats.example.com/recordings/${run}-${i}.mp4`,
    },
  }));
  const { results } = await ats.unwrap(ats.POST('/v1/applications/batch', { body: { items } }));
  for (const r of results) {
    const why = r.error ? ` ${r.error.message}${r.error.details ? ` ${JSON.stringify(r.error.details)}` : ''}` : '';
    log(`item ${r.index}: ${r.status}${r.id ? ` ${r.id}` : ''}${why}`);
  }
  const ids = new Set(results.flatMap((r) => (r.id ? [r.id] : [])));

  // 2. Follow the feed until each of them has moved on (or followMs has passed).
  const moved = new Set<string>();
  const stop = AbortSignal.timeout(followMs);
  try {
    for await (const ev of ats.events({ types: ['application.stage_changed'], follow: true, pollMs: 1_000, signal: stop })) {
      if (!ev.applicationId || !ids.has(ev.applicationId)) continue;
      log(`event ${ev.type} ${ev.applicationId}: ${JSON.stringify(ev.data)}`);
      moved.add(ev.applicationId);
      if (moved.size === ids.size) break;
    }
  } catch (e) {
    if (!stop.aborted) throw e;
    log(`stopped following after ${followMs / 1000} s (${moved.size} of ${ids.size} moved)`);
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
        approved += 1;
        log(`${person.name} approved the offer of ${item.applicationId} (v${item.version})`);
      } catch (e) {
        if (e instanceof HiringApiError) log(`${person.name}: ${e.status} ${e.code} ${e.message}`);
        else throw e;
      }
    }
  }

  // 4. The new hires, for the EHR side.
  for await (const emp of ats.pages((cursor) => ats.unwrap(ats.GET('/v1/employees', { params: { query: cursor ? { cursor } : {} } })))) {
    employees += 1;
    log(`employee ${emp.employeeNumber} ${emp.name} (${emp.status}) starts ${emp.startDate}`);
  }
  return { results, moved: moved.size, approved, employees };
}

// Run as a script (not when a test imports it).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const people = JSON.parse(readFileSync(path.join(process.env.DATA_DIR ?? '.data', 'demo-tokens.json'), 'utf8')) as DemoPerson[];
  atsSync({ baseUrl: process.env.BASE_URL ?? 'http://127.0.0.1:3000', people }).catch((e: unknown) => {
    console.error(e instanceof HiringApiError ? `${e.status} ${e.code}: ${e.message} ${JSON.stringify(e.details)}` : e);
    process.exit(1);
  });
}
