/**
 * Simulated people driving journeys over HTTP from application to `hired`: HR, the hiring
 * manager (evaluator, approver, mentor), the general manager (approver), the candidate
 * (reads the offer and portal e-mails, accepts, uploads documents), IT and the LMS
 * (an integrator posting course results). Free of vitest, for scripts/load.ts too.
 *
 * `resilient()` wraps the API the way a careful client would: every mutating call carries
 * an Idempotency-Key (kept across its retries), and 503 / 429 / a 5xx / a dropped call are
 * retried with backoff. Every answer is counted, so a test can assert "503, never 500".
 */
import { randomUUID } from 'node:crypto';
import { PENDING_TAKEOVER_MS } from '../../api/plugins/idempotency';
import { BACKEND_ENGINEER_COMPETENCIES } from '../../db/seed';
import type { TCreateApplication } from '../../domain/contracts/application';
import { loadConfig } from '../../temporal.config';
import type { ApiFn, ApiResponse, Mailbox } from './chaos';
import { sleep } from './chaos';
import { multipart, PDF_BYTES, PNG_BYTES, JPEG_BYTES } from './multipart';

// ---------------------------------------------------------------------------------------
// A retrying client that counts what it saw.

export interface ApiStats {
  calls: number;
  retries: number;
  byStatus: Record<number, number>;
  /** Answers other than 2xx, by `METHOD /route/:id status`. */
  byRoute: Record<string, number>;
  /** Answers >= 500 other than 503: each one a bug. */
  unexpected: { at: string; method: string; url: string; status: number; body: string }[];
  /** Calls that threw or hung (no answer within the call timeout) instead of answering. */
  thrown: { at: string; method: string; url: string; error: string }[];
  /** Calls whose Idempotency-Key stayed "still in progress" (409) long after any request could be running. */
  stuckKeys: { at: string; method: string; url: string; forMs: number }[];
  /** When the first and last 503 were seen. */
  first503?: number;
  last503?: number;
}

export const newStats = (): ApiStats => ({ calls: 0, retries: 0, byStatus: {}, byRoute: {}, unexpected: [], thrown: [], stuckKeys: [] });

const routeOf = (method: string, url: string) =>
  `${method} ${url.split('?')[0]!.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id')}`;

/** A 409 saying a request with this Idempotency-Key is still running. */
export const isInProgress = (res: ApiResponse) => res.status === 409 && /still in progress|being reused/.test(JSON.stringify(res.body));

const stripQuery = (url: string) => url.replace(/token=[^&]+/, 'token=…');

/** The API's deadlines with their default settings (temporal.config.ts). */
const API_DEFAULTS = loadConfig({});

/**
 * How long one call may go without an answer before it counts as hung: longer than the API
 * may take by design with its default settings, which is reaching the workflow
 * (TEMPORAL_RPC_TIMEOUT_MS; past it, 503) and then an Update's answer
 * (TEMPORAL_UPDATE_TIMEOUT_MS; past it, 503), with 5 s of slack for a loaded machine. An
 * Update to a workflow whose worker was just killed can rightly take 20 s and more: its
 * task waits out the dead worker's sticky queue (10 s), and what it waits for may wait out
 * an activity's heartbeat timeout (10 s) before another worker retries it.
 */
export const CALL_TIMEOUT_MS = API_DEFAULTS.TEMPORAL_RPC_TIMEOUT_MS + API_DEFAULTS.TEMPORAL_UPDATE_TIMEOUT_MS + 5_000;

export function resilient(api: ApiFn, stats: ApiStats, opts: { giveUpAfterMs?: number; callTimeoutMs?: number } = {}): ApiFn {
  const giveUpAfterMs = opts.giveUpAfterMs ?? 180_000;
  const callTimeoutMs = opts.callTimeoutMs ?? CALL_TIMEOUT_MS;
  // A key left "in progress" by a request that died is taken over after
  // PENDING_TAKEOVER_MS; still in progress a call timeout after that, it is stuck.
  const stuckAfterMs = PENDING_TAKEOVER_MS + callTimeoutMs;
  return async (method, url, o = {}) => {
    const headers = { ...o.headers };
    if (method !== 'GET' && !Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key')) {
      headers['idempotency-key'] = randomUUID();
    }
    const deadline = Date.now() + giveUpAfterMs;
    let inProgressSince: number | undefined;
    for (let attempt = 1; ; attempt++) {
      stats.calls += 1;
      let res: ApiResponse | undefined;
      let timer: NodeJS.Timeout | undefined;
      try {
        // A call that hangs is abandoned (and counted) like a dropped connection.
        res = await Promise.race([
          api(method, url, { ...o, headers }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${callTimeoutMs} ms`)), callTimeoutMs);
          }),
        ]);
      } catch (e) {
        stats.thrown.push({ at: new Date().toISOString(), method, url: stripQuery(url), error: e instanceof Error ? e.message : String(e) });
      } finally {
        clearTimeout(timer);
      }
      if (res) {
        stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
        if (res.status >= 300) {
          const key = `${routeOf(method, url)} ${res.status}${isInProgress(res) ? ' (in progress)' : ''}`;
          stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
        }
        if (res.status === 503) {
          stats.first503 ??= Date.now();
          stats.last503 = Date.now();
        } else if (res.status >= 500) {
          stats.unexpected.push({
            at: new Date().toISOString(),
            method,
            url: stripQuery(url),
            status: res.status,
            body: (typeof res.body === 'string' ? res.body : JSON.stringify(res.body)).slice(0, 500),
          });
        }
        const inProgress = isInProgress(res);
        if (inProgress) {
          inProgressSince ??= Date.now();
          if (Date.now() - inProgressSince > stuckAfterMs) {
            stats.stuckKeys.push({ at: new Date().toISOString(), method, url: stripQuery(url), forMs: Date.now() - inProgressSince });
            return res;
          }
        }
        if (!(res.status >= 500 || res.status === 429 || inProgress)) return res;
      }
      if (Date.now() > deadline) {
        if (res) return res;
        throw new Error(`${method} ${stripQuery(url)}: no answer within ${giveUpAfterMs} ms`);
      }
      stats.retries += 1;
      await sleep(Math.min(2000, 100 * 1.5 ** attempt) * (0.75 + Math.random() / 2));
    }
  };
}

// ---------------------------------------------------------------------------------------
// The organisation.

export interface Person {
  id: string;
  token: string;
  email: string;
}

export interface ActorOrg {
  hr: Person;
  manager: Person;
  gm: Person;
  integrator: Person;
  it: Person;
  departmentId: string;
  jobId: string;
}

function must(res: ApiResponse, status: number | number[], what: string): any {
  const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
  if (!ok) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
  return res.body;
}

/** Users, a department, settings and a job with the default chain (manager, then general manager). */
export async function createActorOrg(api: ApiFn, label = randomUUID().slice(0, 8)): Promise<ActorOrg> {
  const user = async (name: string, roles: string[]): Promise<Person> => {
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${label}@example.com`;
    const body = must(await api('POST', '/v1/users', { body: { name, roles, email } }), 201, `create user ${name}`);
    return { id: body.id, token: body.token, email };
  };
  const hr = await user('Hana HR', ['hr']);
  const manager = await user('Mei Manager', ['hiring_manager', 'approver']);
  const gm = await user('Gao GM', ['approver']);
  const integrator = await user('Lena LMS', ['integrator']);
  const it = await user('Ian IT', ['it']);
  const dept = must(await api('POST', '/v1/departments', { body: { name: `Engineering ${label}`, managerUserId: manager.id } }), 201, 'department');
  must(
    await api('PUT', '/v1/settings', {
      body: { companyName: 'Acme Robotics', companyAddress: '1 Harbour Road, Shanghai', generalManagerUserId: gm.id },
    }),
    200,
    'settings',
  );
  const job = must(
    await api('POST', '/v1/jobs', {
      token: hr.token,
      body: JOB(dept.id),
    }),
    201,
    'job',
  );
  return { hr, manager, gm, integrator, it, departmentId: dept.id, jobId: job.id };
}

/** Registers `url` for every event type, as the integrator. */
export async function registerWebhook(api: ApiFn, org: ActorOrg, url: string, secret: string): Promise<string> {
  const body = must(await api('POST', '/v1/webhooks', { token: org.integrator.token, body: { url, secret, events: [] } }), 201, 'register webhook');
  return body.id as string;
}

/** The job every test, script and benchmark submits to: three competencies, a CNY band. */
export const JOB = (departmentId: string) => ({
  title: 'Backend Engineer',
  departmentId,
  // a copy per call: tests edit it to make bad input
  competencies: BACKEND_ENGINEER_COMPETENCIES.map((c) => ({ ...c, skills: [...c.skills] })),
  salaryBand: { min: 200000, max: 400000, currency: 'CNY', period: 'year' },
});

/** A strong application whose resume and interview agree (no discrepancy holds it). */
export function strongApplication(jobId: string, name: string, email: string, externalId?: string): TCreateApplication {
  return {
    jobId,
    ...(externalId ? { externalId } : {}),
    candidate: { name, email, locale: 'en' },
    resume: {
      skills: [
        { name: 'Python', level: 'expert', years: 6 },
        { name: 'PostgreSQL', level: 'proficient', years: 4 },
        { name: 'Communication', level: 'proficient' },
      ],
      experienceYears: 6,
      workHistory: [
        { company: 'Initech', title: 'Engineer', from: '2019-01', to: '2022-06', summary: 'Python services on PostgreSQL' },
        { company: 'Globex', title: 'Senior Engineer', from: '2022-07', summary: 'Kafka pipelines' },
      ],
      projects: [{ name: 'Billing', summary: 'Event-driven billing', skills: ['Kafka', 'Python'] }],
      certificates: [],
      education: [{ school: 'Fudan University', degree: 'BSc', field: 'Computer Science', year: 2018 }],
    },
    interview: {
      completedAt: '2026-11-20T09:00:00Z',
      accuracy: 0.9,
      questions: [
        { id: 'q-py-1', skill: 'Python', correct: true },
        { id: 'q-py-2', skill: 'Python', correct: true },
        { id: 'q-pg-1', skill: 'PostgreSQL', correct: true },
      ],
      skillScores: { Python: 92, PostgreSQL: 88, Kafka: 88, Communication: 75 },
      competencyScores: { teamwork: 85 },
      behavior: { eyeContact: 0.8, toneVariation: 0.6 },
      keywordsMatched: ['Python', 'Kafka'],
      recordingUrl: 'https://recordings.example.com/r/abc',
    },
  };
}

const futureDate = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export const OFFER_BODY = () => ({
  position: 'Backend Engineer',
  salary: { amount: 300000, currency: 'CNY', period: 'year' },
  benefits: ['Health insurance', '15 days paid leave'],
  startDate: futureDate(30),
  terms: 'Probation of three months.',
});

// ---------------------------------------------------------------------------------------
// One journey.

export const STEPS = [
  'submit',
  'evaluation',
  'offer_draft',
  'approvals',
  'offer_sent',
  'accept',
  'onboarding',
  'documents',
  'tasks',
  'training',
  'hired',
] as const;
export type TStep = (typeof STEPS)[number];

export interface JourneyOptions {
  /** Status polling interval (ms); grows to 4x while waiting long. */
  pollMs?: number;
  /** How long one wait for a stage or an e-mail may take. */
  waitTimeoutMs?: number;
  /** No wait goes on past this time (epoch ms), whatever waitTimeoutMs says. */
  deadline?: number;
}

const TERMINAL_ELSEWHERE = new Set(['rejected', 'withdrawn', 'declined', 'expired', 'offer_declined', 'offer_expired']);

export class Journey {
  id: string | undefined;
  workflowId: string | undefined;
  employeeId: string | undefined;
  employeeNumber: string | undefined;
  /** The step in progress (or the last one, once done). */
  step: TStep = 'submit';
  done = false;
  error: string | undefined;
  lastStage: string | undefined;
  startedAt = 0;
  finishedAt = 0;
  readonly email: string;
  readonly name: string;
  private readonly pollMs: number;
  private readonly waitTimeoutMs: number;
  /** No wait goes on past this time (epoch ms). */
  deadline: number;

  constructor(
    readonly n: number,
    private readonly api: ApiFn,
    private readonly org: ActorOrg,
    private readonly mail: Mailbox,
    readonly label: string,
    opts: JourneyOptions = {},
  ) {
    this.email = `cand${n}.${label}@candidates.example.com`;
    this.name = `Candidate ${n}`;
    this.pollMs = opts.pollMs ?? 150;
    this.waitTimeoutMs = opts.waitTimeoutMs ?? 180_000;
    this.deadline = opts.deadline ?? Number.POSITIVE_INFINITY;
  }

  private async poll<T>(what: string, fn: () => Promise<T | null | undefined>): Promise<T> {
    const deadline = Math.min(Date.now() + this.waitTimeoutMs, this.deadline);
    const t0 = Date.now();
    let interval = this.pollMs;
    for (;;) {
      const v = await fn();
      if (v !== null && v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${Date.now() - t0} ms (last stage ${this.lastStage ?? '?'})`);
      await sleep(interval * (0.8 + Math.random() * 0.4));
      interval = Math.min(this.pollMs * 4, interval * 1.25);
    }
  }

  async status(): Promise<any> {
    const r = await this.api('GET', `/v1/applications/${this.id}`, { token: this.org.hr.token });
    const body = must(r, 200, `status of ${this.id}`);
    this.lastStage = body.stage;
    return body;
  }

  async waitStage(stage: string): Promise<any> {
    return this.poll(`stage ${stage}`, async () => {
      const st = await this.status();
      if (st.stage === stage) return st;
      if (TERMINAL_ELSEWHERE.has(st.stage)) throw new Error(`ended in ${st.stage} while waiting for ${stage}`);
      return null;
    });
  }

  /** A human action: 2xx is done; a 409 'conflict' means it was already done (a repeat). */
  private async act(what: string, method: 'POST' | 'PUT', url: string, token: string, body?: unknown): Promise<any> {
    const r = await this.api(method, url, { token, ...(body !== undefined ? { body } : {}) });
    if (r.status >= 200 && r.status < 300) return r.body;
    if (r.status === 409 && r.body?.error?.code === 'conflict' && !isInProgress(r)) return r.body;
    throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  }

  /** Each candidate calls from their own address (the candidate routes are rate limited per client). */
  private fromHome(): Record<string, string> {
    const n = this.n + 1;
    return { 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
  }

  private begin(step: TStep) {
    this.step = step;
  }

  async submit() {
    this.begin('submit');
    this.startedAt ||= Date.now();
    const r = await this.api('POST', '/v1/applications', {
      token: this.org.integrator.token,
      body: strongApplication(this.org.jobId, this.name, this.email, `ext-${this.label}-${this.n}`),
    });
    const body = must(r, [200, 202], 'submit application');
    this.id = body.id;
    this.workflowId = body.workflowId;
  }

  /** HR and the manager evaluate, HR decides to advance. */
  async evaluate() {
    this.begin('evaluation');
    await this.waitStage('evaluation');
    const ratings = { programming: 'good', systems: 'good', teamwork: 'excellent' };
    for (const who of [this.org.hr, this.org.manager]) {
      await this.act('evaluation', 'POST', `/v1/applications/${this.id}/evaluations`, who.token, { ratings, recommendation: 'advance', comment: 'Solid' });
    }
    await this.act('decision', 'POST', `/v1/applications/${this.id}/decision`, this.org.hr.token, { decision: 'advance', reason: 'Strong' });
  }

  async draftOffer() {
    this.begin('offer_draft');
    await this.waitStage('offer_drafting');
    await this.act('draft offer', 'PUT', `/v1/applications/${this.id}/offer`, this.org.hr.token, OFFER_BODY());
    await this.act('submit offer', 'POST', `/v1/applications/${this.id}/offer/submit`, this.org.hr.token);
    await this.waitStage('offer_approval');
  }

  /** The manager, then the general manager, each once their level of the chain is pending. */
  async approve() {
    this.begin('approvals');
    for (const [level, who] of [this.org.manager, this.org.gm].entries()) {
      const state = await this.poll(`approval level ${level}`, async () => {
        const st = await this.status();
        const s = st.offer?.current?.levels?.[level]?.status as string | undefined;
        if (st.stage !== 'offer_approval') return 'past';
        return s === 'pending' || s === 'approved' ? s : null;
      });
      if (state !== 'pending') continue;
      await this.act('approval', 'POST', `/v1/applications/${this.id}/offer/approvals`, who.token, { decision: 'approve' });
    }
  }

  async waitOfferSent() {
    this.begin('offer_sent');
    await this.waitStage('offer_sent');
  }

  /** The candidate reads the offer e-mail and accepts through its link. */
  async accept() {
    this.begin('accept');
    const token = await this.poll('offer e-mail', async () => this.mail.link(this.email, 'offers'));
    const r = await this.api('POST', `/v1/candidate/offer/accept?token=${token}`, {
      token: null,
      body: { signatureName: this.name, consent: true },
      headers: this.fromHome(),
    });
    if (r.status !== 200 && !(r.status === 409 && r.body?.error?.code === 'conflict' && !isInProgress(r))) {
      // A repeat after the acceptance went through answers wrong_stage: check before failing.
      const st = await this.status();
      if (!['onboarding', 'hired'].includes(st.stage)) must(r, 200, 'accept offer');
    }
  }

  async waitOnboarding() {
    this.begin('onboarding');
    const st = await this.poll('onboarding', async () => {
      const s = await this.status();
      if (s.stage === 'onboarding' || s.stage === 'hired') return s;
      if (TERMINAL_ELSEWHERE.has(s.stage)) throw new Error(`ended in ${s.stage} while waiting for onboarding`);
      return null;
    });
    this.employeeId = st.onboarding.employeeId;
    this.employeeNumber = st.onboarding.employeeNumber;
  }

  /** Documents through the portal link, IT's and the mentor's tasks, the LMS's course result. */
  async onboard() {
    this.begin('documents');
    const portal = await this.poll('portal e-mail', async () => this.mail.link(this.email, 'portal'));
    const files = [
      { kind: 'id_copy', bytes: PNG_BYTES, filename: 'id.png', contentType: 'image/png' },
      { kind: 'diploma', bytes: PDF_BYTES, filename: 'diploma.pdf', contentType: 'application/pdf' },
      { kind: 'medical_report', bytes: JPEG_BYTES, filename: 'medical.jpg', contentType: 'image/jpeg' },
    ];
    for (const f of files) {
      const body = multipart({ kind: f.kind }, { field: 'file', filename: f.filename, contentType: f.contentType, bytes: f.bytes });
      const r = await this.api('POST', `/v1/candidate/documents?token=${portal}`, {
        token: null,
        payload: body.payload,
        headers: { ...body.headers, ...this.fromHome() },
      });
      if (r.status !== 201 && !(r.status === 409 && r.body?.error?.code === 'conflict' && !isInProgress(r))) {
        throw new Error(`upload ${f.kind}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      }
    }
    this.begin('tasks');
    for (const key of ['computer', 'badge', 'accounts']) {
      await this.act(`task ${key}`, 'POST', `/v1/employees/${this.employeeId}/onboarding/tasks/${key}/complete`, this.org.it.token, { note: 'done' });
    }
    await this.act('mentor meeting', 'POST', `/v1/employees/${this.employeeId}/onboarding/tasks/mentor_meeting/complete`, this.org.manager.token, {});
    this.begin('training');
    await this.act('course result', 'POST', `/v1/employees/${this.employeeId}/courses/orientation/result`, this.org.integrator.token, { score: 85 });
  }

  async waitHired() {
    this.begin('hired');
    await this.waitStage('hired');
    this.done = true;
    this.finishedAt = Date.now();
  }

  /** Runs these steps in order (by method name); a failure is recorded (step, error), not thrown. */
  async steps(...names: ('submit' | 'evaluate' | 'draftOffer' | 'approve' | 'waitOfferSent' | 'accept' | 'waitOnboarding' | 'onboard' | 'waitHired')[]): Promise<this> {
    if (this.error) return this;
    try {
      for (const name of names) await this[name]();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    return this;
  }

  /** The whole journey; failures are recorded (step, error), not thrown. */
  async run(): Promise<this> {
    return this.steps('submit', 'evaluate', 'draftOffer', 'approve', 'waitOfferSent', 'accept', 'waitOnboarding', 'onboard', 'waitHired');
  }
}
