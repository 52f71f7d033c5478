/**
 * 2. Human action round trip: POST /v1/applications/:id/evaluations against the same
 *    Update sent with handle.executeUpdate(submitEvaluationUpdate), one at a time,
 *    alternating which goes first, each on its own application waiting in evaluation.
 * 3. Status read: GET /v1/applications/:id against handle.query(statusQuery), alternating,
 *    on applications in evaluation.
 * Both measure what the API adds, so each pair's workflows are queried once, untimed, just
 * before it: the worker caches only WORKER_MAX_CACHED_WORKFLOWS (250 by default) of the hundreds used
 * here, and whichever side came first to an evicted one would pay its replay (the memory
 * phase measures that: "first query").
 */
import { submitEvaluationUpdate, statusQuery } from '../../../workflows/messages';
import { EVALUATION } from '../fixtures';
import { actorOf } from '../seed';
import { cpuDelta, cpuSnapshot, formatCpu } from '../proc';
import { ms, signedMs, workflowIdFor, type BenchContext, type PhaseResult } from '../context';
import { startEarlierApi, type EarlierApi } from '../earlier-api';
import type { Http } from '../http';
import type { LoopStats } from '../ipc';
import { fmt, log, summarize, timed, type Summary } from '../util';

const loopLine = (l: LoopStats) =>
  `The API process meanwhile: event-loop lag p50 ${fmt(l.delayP50Ms)} ms, p99 ${fmt(l.delayP99Ms)} ms, max ${fmt(l.delayMaxMs)} ms; ${l.gcCount} GC pauses totalling ${fmt(l.gcTotalMs, 0)} ms, the longest ${fmt(l.gcMaxMs)} ms.`;

const OVERHEAD_TARGET_MS = 5;

function pairRows(label: string, api: Summary, raw: Summary, apiName: string, rawName: string): PhaseResult['rows'] {
  const d50 = api.p50 - raw.p50;
  const d99 = api.p99 - raw.p99;
  return [
    {
      measure: `${label} p50`,
      ours: ms(api.p50),
      reference: `${ms(raw.p50)} ${rawName}`,
      comparison: signedMs(d50),
      target: '–',
      met: null,
    },
    {
      measure: `${label} p99`,
      ours: ms(api.p99),
      reference: `${ms(raw.p99)} ${rawName}`,
      comparison: signedMs(d99),
      target: `≤ +${OVERHEAD_TARGET_MS} ms (${apiName})`,
      met: d99 <= OVERHEAD_TARGET_MS,
    },
  ];
}

const detailTable = (api: Summary, raw: Summary, apiName: string, rawName: string) =>
  [
    `| | n | mean | p50 | p90 | p99 | max |`,
    `|---|---|---|---|---|---|---|`,
    `| ${apiName} | ${api.n} | ${ms(api.mean)} | ${ms(api.p50)} | ${ms(api.p90)} | ${ms(api.p99)} | ${ms(api.max)} |`,
    `| ${rawName} | ${raw.n} | ${ms(raw.mean)} | ${ms(raw.p50)} | ${ms(raw.p90)} | ${ms(raw.p99)} | ${ms(raw.max)} |`,
  ].join('\n');

/**
 * Runs `samples` (+ warm-up) evaluations each way; `ids` needs 2 × (samples + warmUp) fresh
 * applications, 3 × with BENCH_EARLIER_API (scripts/bench/earlier-api.ts), whose earlier
 * API then answers a third of them, in turn with the other two.
 */
export async function benchEvaluations(ctx: BenchContext, ids: string[], samples: number, warmUp = 20): Promise<PhaseResult> {
  const earlier = await startEarlierApi(ctx);
  try {
    return await evaluations(ctx, ids, samples, warmUp, earlier);
  } finally {
    await earlier?.child.stop();
  }
}

async function evaluations(ctx: BenchContext, ids: string[], samples: number, warmUp: number, earlier: EarlierApi | undefined): Promise<PhaseResult> {
  const { stack, org } = ctx;
  const total = samples + warmUp;
  const width = earlier ? 3 : 2;
  if (ids.length < width * total) throw new Error(`evaluations need ${width * total} applications in evaluation, have ${ids.length}`);
  const actor = actorOf(org.hr, null);
  const api: number[] = [];
  const raw: number[] = [];
  const older: number[] = [];
  let errors = 0;
  const via = (http: Http) => async (id: string) => {
    const [t, r] = await timed(() => http.call('POST', `/v1/applications/${id}/evaluations`, { token: org.hr.token, body: EVALUATION }));
    if (r.status !== 200) {
      errors += 1;
      if (errors <= 3) console.error(`evaluation via API: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    }
    return t;
  };
  const viaApi = via(stack.http);
  const warm = (...xs: string[]) => Promise.all(xs.map((id) => stack.client.workflow.getHandle(workflowIdFor(id)).query(statusQuery)));
  const viaRaw = async (id: string) => {
    const [t] = await timed(() =>
      stack.client.workflow.getHandle(workflowIdFor(id)).executeUpdate(submitEvaluationUpdate, { args: [{ ...EVALUATION, actor }] }),
    );
    return t;
  };
  await stack.api.request('loop-reset');
  const before = cpuSnapshot(stack.pids());
  for (let i = 0; i < total; i++) {
    const pair = ids.slice(width * i, width * i + width);
    await warm(...pair);
    // Each kind goes first in turn.
    const runs: [number[], () => Promise<number>][] = [
      [api, () => viaApi(pair[0]!)],
      [raw, () => viaRaw(pair[1]!)],
      ...(earlier ? [[older, () => via(earlier.http)(pair[2]!)] as [number[], () => Promise<number>]] : []),
    ];
    for (let k = 0; k < runs.length; k++) {
      const [into, run] = runs[(i + k) % runs.length]!;
      const t = await run();
      if (i >= warmUp) into.push(t);
    }
  }
  const d = cpuDelta(before, cpuSnapshot(stack.pids()));
  const loop = await stack.api.request<LoopStats>('loop');
  const sa = summarize(api);
  const sr = summarize(raw);
  const so = earlier ? summarize(older) : undefined;
  log(`evaluations: API p50 ${ms(sa.p50)} p99 ${ms(sa.p99)} | raw p50 ${ms(sr.p50)} p99 ${ms(sr.p99)}${so ? ` | earlier API p50 ${ms(so.p50)} p99 ${ms(so.p99)}` : ''}; ${formatCpu(d)}`);
  const table = detailTable(sa, sr, '`POST …/evaluations`', '`executeUpdate(submitEvaluation)`');
  return {
    rows: pairRows(`2. Evaluation round trip (n=${samples})`, sa, sr, 'API', 'raw Update'),
    details: [
      `${samples} evaluations each way (after ${warmUp} warm-up ${earlier ? 'triples' : 'pairs'}), one at a time, each on its own application in \`evaluation\`, all just queried (untimed) so the worker has them cached; the Update's handler records the scores (one activity) before it answers, in every case.`,
      '',
      so ? `${table}\n| \`POST …/evaluations\`, earlier API (\`${earlier!.dir}\`) | ${so.n} | ${ms(so.mean)} | ${ms(so.p50)} | ${ms(so.p90)} | ${ms(so.p99)} | ${ms(so.max)} |` : table,
      '',
      loopLine(loop),
      `CPU meanwhile (share of one core): ${formatCpu(d)}.`,
      errors ? `\n${errors} API calls did not answer 200.` : '',
    ].join('\n'),
  };
}

export async function benchStatus(ctx: BenchContext, ids: string[], samples: number, warmUp = 20): Promise<PhaseResult> {
  const { stack, org } = ctx;
  const api: number[] = [];
  const raw: number[] = [];
  let errors = 0;
  const viaApi = async (id: string) => {
    const [t, r] = await timed(() => stack.http.call('GET', `/v1/applications/${id}`, { token: org.hr.token }));
    if (r.status !== 200) {
      errors += 1;
      if (errors <= 3) console.error(`status via API: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    }
    return t;
  };
  const viaRaw = async (id: string) => (await timed(() => stack.client.workflow.getHandle(workflowIdFor(id)).query(statusQuery)))[0];
  await stack.api.request('loop-reset');
  const before = cpuSnapshot(stack.pids());
  for (let i = 0; i < samples + warmUp; i++) {
    const id = ids[i % ids.length]!;
    await viaRaw(id);
    let ta: number;
    let tb: number;
    if (i % 2 === 0) {
      ta = await viaApi(id);
      tb = await viaRaw(id);
    } else {
      tb = await viaRaw(id);
      ta = await viaApi(id);
    }
    if (i >= warmUp) {
      api.push(ta);
      raw.push(tb);
    }
  }
  const d = cpuDelta(before, cpuSnapshot(stack.pids()));
  const loop = await stack.api.request<LoopStats>('loop');
  // Where the API's share goes: the HTTP round trip alone, and HTTP plus the token lookup.
  const floor: number[] = [];
  const authed: number[] = [];
  for (let i = 0; i < Math.min(samples, 300) + warmUp; i++) {
    const [tf] = await timed(() => stack.http.call('GET', '/healthz'));
    const [tm] = await timed(() => stack.http.call('GET', '/v1/me', { token: org.hr.token }));
    if (i >= warmUp) {
      floor.push(tf);
      authed.push(tm);
    }
  }
  const sf = summarize(floor);
  const sm = summarize(authed);
  const sa = summarize(api);
  const sr = summarize(raw);
  log(`status: API p50 ${ms(sa.p50)} p99 ${ms(sa.p99)} | raw p50 ${ms(sr.p50)} p99 ${ms(sr.p99)}; ${formatCpu(d)}`);
  return {
    rows: pairRows(`3. Status read (n=${samples})`, sa, sr, 'API', 'raw Query'),
    details: [
      `${samples} reads each way (after ${warmUp} warm-up pairs), one at a time, alternating which goes first, over ${Math.min(ids.length, samples + warmUp)} applications in \`evaluation\`, each queried once (untimed) just before its pair so the worker has it cached.`,
      '',
      detailTable(sa, sr, '`GET /v1/applications/:id`', '`query(status)`'),
      `| \`GET /healthz\` (HTTP alone) | ${sf.n} | ${ms(sf.mean)} | ${ms(sf.p50)} | ${ms(sf.p90)} | ${ms(sf.p99)} | ${ms(sf.max)} |`,
      `| \`GET /v1/me\` (HTTP + token lookup) | ${sm.n} | ${ms(sm.mean)} | ${ms(sm.p50)} | ${ms(sm.p90)} | ${ms(sm.p99)} | ${ms(sm.max)} |`,
      '',
      loopLine(loop),
      `CPU meanwhile (share of one core): ${formatCpu(d)}.`,
      errors ? `\n${errors} API calls did not answer 200.` : '',
    ].join('\n'),
  };
}
