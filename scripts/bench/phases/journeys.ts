/**
 * 5. Whole journeys: N applications to `hired` with simulated people acting through the
 * API as they would after their e-mail arrives: HR and the hiring manager evaluate, HR
 * decides, drafts and submits the offer, the manager and the general manager approve,
 * the candidate opens the signed link from their offer e-mail (read from the messages
 * table: no SMTP here, so messages are stored as 'rendered') and accepts, uploads three
 * documents through the portal link (multipart), IT and the mentor complete their tasks,
 * the LMS posts a course result. People react when the application's stage (the
 * database mirror) says it is their turn. Worker CPU and RSS are sampled throughout.
 */
import { EVALUATION, JPEG_BYTES, OFFER, PDF_BYTES, PNG_BYTES, application } from '../fixtures';
import type { HttpResult } from '../http';
import { addCpuDeltas, cpuDelta, cpuSnapshot, formatCpu, memMb } from '../proc';
import type { BenchContext, PhaseResult } from '../context';
import { fmt, log, pool, sleep, summarize } from '../util';
import { randomUUID } from 'node:crypto';

interface JourneyStats {
  requests: number;
  retries: number;
  /** 503s sent again with their Idempotency-Key. */
  unavailable: number;
}

/** What one run of journeys measured, to be reported alone or added to other runs on the same worker. */
export interface JourneyRun {
  n: number;
  done: number;
  wallMs: number;
  cpu: ReturnType<typeof cpuDelta>;
  workerCpuMs: number;
  peakRss: number;
  workerStart: { rssMb: number };
  workerEnd: { rssMb: number; heapUsedMb: number };
  durations: number[];
  stats: JourneyStats;
  failures: string[];
}

/**
 * `label` names the worker the journeys ran on; `tag` makes the candidates of a run their own
 * (every run of a phase needs other e-mail addresses and externalIds).
 */
export async function benchJourneys(ctx: BenchContext, n: number, concurrency: number, label?: string): Promise<PhaseResult> {
  return journeysResult([await runJourneys(ctx, n, concurrency, label ? `journey-${label.replace(/\W+/g, '-')}` : 'journey')], concurrency, label);
}

export async function runJourneys(ctx: BenchContext, n: number, concurrency: number, tag: string): Promise<JourneyRun> {
  const { stack, org, watcher } = ctx;
  const http = stack.http;
  const stats: JourneyStats = { requests: 0, retries: 0, unavailable: 0 };
  const failures: string[] = [];
  const durations: number[] = [];

  /**
   * One request as a client sends it: a change carries an Idempotency-Key, and a 503 (a
   * Temporal call past its deadline on a loaded machine) is sent again with the same key
   * after a pause, up to 20 times. Anything else is the caller's to judge.
   */
  const send = async <T>(method: string, path: string, o: Parameters<typeof http.call>[2] = {}): Promise<HttpResult<T>> => {
    const headers = method === 'GET' ? o.headers : { ...o.headers, 'idempotency-key': randomUUID() };
    for (let attempt = 0; ; attempt++) {
      stats.requests += 1;
      const r = await http.call<T>(method, path, { ...o, headers });
      if (r.status !== 503 || attempt >= 20) return r;
      stats.unavailable += 1;
      await sleep(500);
    }
  };
  const call = async <T>(expected: number, method: string, path: string, o: Parameters<typeof http.call>[2] = {}): Promise<HttpResult<T>> => {
    const r = await send<T>(method, path, o);
    if (r.status !== expected) {
      throw new Error(`${method} ${path.split('?')[0]}: expected ${expected}, got ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
    }
    return r;
  };
  /** An action whose precondition the workflow reaches a moment after the stage mirror says so: retried on 409/403. */
  const eventually = async <T>(method: string, path: string, o: Parameters<typeof http.call>[2]): Promise<HttpResult<T>> => {
    for (let attempt = 0; ; attempt++) {
      const r = await send<T>(method, path, o);
      if (r.status === 200) return r;
      if ((r.status !== 409 && r.status !== 403) || attempt >= 100) {
        throw new Error(`${method} ${path.split('?')[0]}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      }
      stats.retries += 1;
      await sleep(100);
    }
  };
  const linkFromMessages = async (id: string, kind: 'offers' | 'portal'): Promise<string> => {
    const re = new RegExp(`/${kind}/([A-Za-z0-9_.-]+)`);
    for (let i = 0; i < 600; i++) {
      const rows = await stack.sql<{ body_text: string }[]>`
        select body_text from messages where application_id = ${id} and recipient_kind = 'candidate' and body_text like ${`%/${kind}/%`}
        order by created_at desc limit 1`;
      const m = rows[0] && re.exec(rows[0].body_text);
      if (m) return m[1]!;
      await sleep(100);
    }
    throw new Error(`no /${kind}/ link for ${id}`);
  };
  const upload = (token: string, kind: string, bytes: Uint8Array, filename: string, type: string, ip: string) => {
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', new Blob([bytes], { type }), filename);
    return call(201, 'POST', `/v1/candidate/documents?token=${encodeURIComponent(token)}`, { form, headers: { 'x-forwarded-for': ip } });
  };

  async function journey(i: number): Promise<void> {
    const t0 = performance.now();
    const body = application(org.jobId, i, tag);
    // Each candidate comes from their own address (the per-client limits on candidate routes are per IP).
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const created = await call<{ id: string }>(202, 'POST', '/v1/applications', { token: org.integrator.token, body });
    const id = created.body.id;
    await watcher.wait(id, 'evaluation');
    await call(200, 'POST', `/v1/applications/${id}/evaluations`, { token: org.hr.token, body: EVALUATION });
    await call(200, 'POST', `/v1/applications/${id}/evaluations`, { token: org.manager.token, body: EVALUATION });
    await eventually('POST', `/v1/applications/${id}/decision`, { token: org.hr.token, body: { decision: 'advance', reason: 'Strong' } });
    await watcher.wait(id, 'offer_drafting');
    await eventually('PUT', `/v1/applications/${id}/offer`, { token: org.hr.token, body: OFFER() });
    await eventually('POST', `/v1/applications/${id}/offer/submit`, { token: org.hr.token });
    await watcher.wait(id, 'offer_approval');
    await eventually('POST', `/v1/applications/${id}/offer/approvals`, { token: org.manager.token, body: { decision: 'approve' } });
    await eventually('POST', `/v1/applications/${id}/offer/approvals`, { token: org.gm.token, body: { decision: 'approve' } });
    await watcher.wait(id, ['offer_sent', 'offer_viewed']);
    const offerToken = await linkFromMessages(id, 'offers');
    await call(200, 'GET', `/offers/${offerToken}`, { headers: { 'x-forwarded-for': ip } });
    await eventually('POST', `/v1/candidate/offer/accept?token=${encodeURIComponent(offerToken)}`, {
      body: { signatureName: body.candidate.name, consent: true },
      headers: { 'x-forwarded-for': ip },
    });
    await watcher.wait(id, 'onboarding');
    const [emp] = await stack.sql<{ id: string }[]>`select id from employees where application_id = ${id}`;
    if (!emp) throw new Error(`no employee for ${id}`);
    const portal = await linkFromMessages(id, 'portal');
    await upload(portal, 'id_copy', PNG_BYTES, 'id.png', 'image/png', ip);
    await upload(portal, 'diploma', PDF_BYTES, 'diploma.pdf', 'application/pdf', ip);
    await upload(portal, 'medical_report', JPEG_BYTES, 'medical.jpg', 'image/jpeg', ip);
    for (const key of ['computer', 'badge', 'accounts']) {
      await call(200, 'POST', `/v1/employees/${emp.id}/onboarding/tasks/${key}/complete`, { token: org.it.token, body: { note: 'done' } });
    }
    await call(200, 'POST', `/v1/employees/${emp.id}/onboarding/tasks/mentor_meeting/complete`, { token: org.manager.token, body: {} });
    await call(200, 'POST', `/v1/employees/${emp.id}/courses/orientation/result`, { token: org.integrator.token, body: { score: 85 } });
    await watcher.wait(id, 'hired');
    durations.push(performance.now() - t0);
  }

  // Sample the worker's RSS through the phase.
  let peakRss = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakRss = Math.max(peakRss, memMb(stack.worker.pid).rss);
      await sleep(200);
    }
  })();
  const workerStart = await stack.worker.stats();
  const before = cpuSnapshot(stack.pids());
  const t0 = performance.now();
  await pool(
    Array.from({ length: n }, (_, i) => i + 1),
    concurrency,
    async (i) => {
      try {
        await journey(i);
      } catch (e) {
        failures.push(e instanceof Error ? e.message : String(e));
        if (failures.length <= 3) console.error(`journey ${i}: ${failures[failures.length - 1]}`);
      }
    },
  );
  const wallMs = performance.now() - t0;
  const d = cpuDelta(before, cpuSnapshot(stack.pids()));
  sampling = false;
  await sampler;
  const workerEnd = await stack.worker.stats();
  const done = durations.length;
  const workerCpuMs = workerEnd.cpuMs - workerStart.cpuMs;
  log(`journeys: ${done}/${n} hired in ${(wallMs / 1000).toFixed(1)} s = ${fmt((done / wallMs) * 60_000)}/min; ${formatCpu(d)}; worker peak RSS ${fmt(peakRss, 0)} MiB`);
  return { n, done, wallMs, cpu: d, workerCpuMs, peakRss, workerStart, workerEnd, durations, stats, failures };
}

/** One row for runs on the same kind of worker: their journeys, time and CPU added up; memory from the first start, the highest peak and the last end. */
export function journeysResult(runs: JourneyRun[], concurrency: number, label?: string): PhaseResult {
  const n = runs.reduce((a, r) => a + r.n, 0);
  const done = runs.reduce((a, r) => a + r.done, 0);
  const wallMs = runs.reduce((a, r) => a + r.wallMs, 0);
  const d = addCpuDeltas(runs.map((r) => r.cpu));
  const workerCpuMs = runs.reduce((a, r) => a + r.workerCpuMs, 0);
  const peakRss = Math.max(...runs.map((r) => r.peakRss));
  const workerStart = runs[0]!.workerStart;
  const workerEnd = runs[runs.length - 1]!.workerEnd;
  const stats = runs.reduce((a, r) => ({ requests: a.requests + r.stats.requests, retries: a.retries + r.stats.retries, unavailable: a.unavailable + r.stats.unavailable }), { requests: 0, retries: 0, unavailable: 0 });
  const failures = runs.flatMap((r) => r.failures);
  const perMin = (done / wallMs) * 60_000;
  const dur = summarize(runs.flatMap((r) => r.durations));
  const perJourney = (k: string) => fmt((d.per[k]?.ms ?? 0) / Math.max(done, 1), 0);
  const cpuPer = (k: string) => (d.per[k]?.ms ?? 0) / Math.max(done, 1);
  const engineMs = cpuPer('worker') + cpuPer('api') + cpuPer('postgres');
  const temporalMs = cpuPer('temporal');
  const split = runs.length > 1 ? ` in ${runs.length} runs of ${runs.map((r) => r.n).join(' + ')} on a fresh worker each (${runs.map((r) => `${fmt((r.done / r.wallMs) * 60_000)}/min`).join(', ')})` : '';
  return {
    rows: [
      {
        measure: `5. Journeys to hired (N=${n}, c=${concurrency})${label ? ` [${label}]` : ''}`,
        ours: `${fmt(perMin)}/min (${done}/${n} hired); worker CPU ${fmt((workerCpuMs / wallMs) * 100, 0)}% of a core, ${fmt(workerCpuMs / Math.max(done, 1), 0)} ms/journey; worker peak RSS ${fmt(peakRss, 0)} MiB`,
        reference: `Temporal server ${perJourney('temporal')} ms CPU/journey`,
        comparison: `engine (worker + API + PostgreSQL) ${fmt(engineMs, 0)} ms CPU/journey = ${fmt(engineMs / Math.max(temporalMs, 1), 2)}× Temporal's`,
        target: '–',
        met: done === n ? null : false,
      },
    ],
    details: [
      `${label ? `**${label}**: ` : ''}${n} journeys${split}, ${concurrency} at a time: ${done} reached \`hired\` in ${(wallMs / 1000).toFixed(1)} s (${fmt(perMin)} per minute), ${stats.requests} HTTP requests (${fmt(stats.requests / Math.max(done, 1), 0)} per journey, ${stats.retries} of them retries of an action the workflow was a moment from accepting, ${stats.unavailable} resends of a 503 with its Idempotency-Key).`,
      `One journey took p50 ${fmt(dur.p50 / 1000)} s, p99 ${fmt(dur.p99 / 1000)} s from submission to hired.`,
      '',
      `CPU during the phase (share of one core): ${formatCpu(d)}.`,
      `CPU per journey: worker ${perJourney('worker')} ms, API ${perJourney('api')} ms, Temporal server ${perJourney('temporal')} ms, PostgreSQL ${perJourney('postgres')} ms, simulated people ${perJourney('bench')} ms.`,
      `Worker memory: RSS ${fmt(workerStart.rssMb, 0)} MiB at the start, peak ${fmt(peakRss, 0)} MiB (sampled every 200 ms), ${fmt(workerEnd.rssMb, 0)} MiB at the end; heap used at the end ${fmt(workerEnd.heapUsedMb, 0)} MiB.`,
      failures.length ? `\n${failures.length} journeys failed; first: ${failures.slice(0, 3).join(' | ')}` : '',
    ].join('\n'),
  };
}

