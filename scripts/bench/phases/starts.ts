/**
 * 1. Workflow starts: POST /v1/applications at concurrency C against the raw client's
 * workflow.start of the same workflow (same input, same options, rows prepared as the API
 * would write them), in ABBA rounds so neither side always runs on a busier server. Every
 * started workflow runs to `evaluation` on the worker in both cases; each round waits for
 * that tail before the next, so a round's throughput carries only its own work.
 */
import { application } from '../fixtures';
import { cpuDelta, cpuSnapshot, formatCpu, othersCores, type CpuSnapshot } from '../proc';
import { ms, prepareRawApplications, startRaw, type BenchContext, type PhaseResult } from '../context';
import { fmt, log, pool, summarize } from '../util';

export interface StartsOutcome extends PhaseResult {
  apiIds: string[];
  rawIds: string[];
}

type Side = 'api' | 'raw';

export async function benchStarts(ctx: BenchContext, n: number, concurrency: number): Promise<StartsOutcome> {
  const { stack, org } = ctx;
  const half = Math.ceil(n / 2);
  const rounds: [Side, number][] = [
    ['raw', half],
    ['api', half],
    ['api', n - half],
    ['raw', n - half],
  ];
  const wall: Record<Side, number> = { api: 0, raw: 0 };
  const latency: Record<Side, number[]> = { api: [], raw: [] };
  const cpu: Record<Side, { ms: Record<string, number>; wall: number; others: number }> = {
    api: { ms: {}, wall: 0, others: 0 },
    raw: { ms: {}, wall: 0, others: 0 },
  };
  const ids: Record<Side, string[]> = { api: [], raw: [] };
  let errors = 0;
  let seq = 0;

  for (const [side, count] of rounds) {
    if (!count) continue;
    const bodies = Array.from({ length: count }, () => application(org.jobId, ++seq, `start-${side}`));
    const inputs = side === 'raw' ? await prepareRawApplications(ctx, bodies) : [];
    const roundIds: string[] = [];
    const before: CpuSnapshot = cpuSnapshot(stack.pids());
    const t0 = performance.now();
    await pool(bodies, concurrency, async (body, i) => {
      const s = performance.now();
      if (side === 'raw') {
        await startRaw(ctx, inputs[i]!);
        roundIds.push(inputs[i]!.applicationId);
      } else {
        const r = await stack.http.call<{ id: string }>('POST', '/v1/applications', { token: org.integrator.token, body });
        if (r.status !== 202) {
          errors += 1;
          if (errors <= 3) console.error(`POST /v1/applications: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
          return;
        }
        roundIds.push(r.body.id);
      }
      latency[side].push(performance.now() - s);
    });
    const elapsed = performance.now() - t0;
    const d = cpuDelta(before, cpuSnapshot(stack.pids()));
    wall[side] += elapsed;
    cpu[side].wall += d.wallMs;
    cpu[side].others += othersCores(d) * d.wallMs;
    for (const [name, v] of Object.entries(d.per)) cpu[side].ms[name] = (cpu[side].ms[name] ?? 0) + v.ms;
    log(`starts ${side}: ${count} in ${(elapsed / 1000).toFixed(2)} s = ${fmt((count / elapsed) * 1000)}/s; ${formatCpu(d)}`);
    ids[side].push(...roundIds);
    const tail = await stack.waitAllInStage(roundIds, 'evaluation');
    log(`  all ${roundIds.length} in evaluation ${(tail / 1000).toFixed(1)} s after the last start`);
    await stack.quiesce();
  }

  const tput = (side: Side) => (ids[side].length / wall[side]) * 1000;
  const ratio = tput('api') / tput('raw');
  const la = summarize(latency.api);
  const lr = summarize(latency.raw);
  const cpuLine = (side: Side) =>
    ['worker', 'api', 'temporal', 'postgres', 'bench']
      .filter((k) => cpu[side].ms[k] !== undefined)
      .map((k) => `${k} ${((cpu[side].ms[k]! / cpu[side].wall) * 100).toFixed(0)}%`)
      .concat(`other processes ${((cpu[side].others / cpu[side].wall) * 100).toFixed(0)}%`)
      .join(', ');
  const perStart = (side: Side, k: string) => (cpu[side].ms[k] ?? 0) / ids[side].length;
  const details = [
    `N = ${n} per side at concurrency ${concurrency}, rounds raw ${half} / API ${half} / API ${n - half} / raw ${n - half}; every workflow ran on to \`evaluation\` during its round.`,
    '',
    '| | API (`POST /v1/applications`) | raw `workflow.start` |',
    '|---|---|---|',
    `| throughput | ${fmt(tput('api'))}/s | ${fmt(tput('raw'))}/s |`,
    `| request latency p50 / p99 | ${ms(la.p50)} / ${ms(la.p99)} | ${ms(lr.p50)} / ${ms(lr.p99)} |`,
    `| CPU while starting (share of one core) | ${cpuLine('api')} | ${cpuLine('raw')} |`,
    `| CPU ms per start: API process / PostgreSQL / Temporal server / worker | ${fmt(perStart('api', 'api'), 2)} / ${fmt(perStart('api', 'postgres'), 2)} / ${fmt(perStart('api', 'temporal'), 2)} / ${fmt(perStart('api', 'worker'), 2)} | – / ${fmt(perStart('raw', 'postgres'), 2)} / ${fmt(perStart('raw', 'temporal'), 2)} / ${fmt(perStart('raw', 'worker'), 2)} |`,
    errors ? `\n${errors} API starts failed.` : '',
  ].join('\n');
  return {
    apiIds: ids.api,
    rawIds: ids.raw,
    rows: [
      {
        measure: `1. Workflow starts (N=${n}, c=${concurrency})`,
        ours: `${fmt(tput('api'))}/s`,
        reference: `${fmt(tput('raw'))}/s raw client`,
        comparison: `ratio ${ratio.toFixed(2)}`,
        target: '≥ 0.85',
        met: ratio >= 0.85,
      },
    ],
    details,
  };
}

