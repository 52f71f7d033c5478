/**
 * 1. Workflow starts: POST /v1/applications at concurrency C against the raw client's
 * workflow.start of the same workflow (same input, same options, rows prepared as the API
 * would write them), in alternating rounds (raw/API, API/raw, ...) so neither side always
 * runs on a busier server. Every started workflow runs to `evaluation` on the worker in both
 * cases; each round waits for that tail before the next, so a round's throughput carries only
 * its own work.
 *
 * Before the measured rounds, each side starts BENCH_START_WARMUP workflows (64) that are not
 * counted, so that neither side's first round pays for its JIT warming up: the first API round
 * of a fresh process spent 7.2 ms of CPU per start against 4.9 in its second (2026-12-06).
 *
 * BENCH_EARLIER_API (scripts/bench/earlier-api.ts) also measures an earlier compiled API.
 * The figures that hold on a loaded machine are the API process's CPU ms per start and the
 * statements it sends per start (counted by the pool's debug hook,
 * scripts/bench/api-process.ts; an earlier build without the hook reports none).
 *
 * A third side (unless BENCH_BARE_FRONT=0) is the bare HTTP front
 * (scripts/bench/bare-front.ts): the raw side's starts, each sent through an HTTP request to a
 * process that only starts it. Between raw and it lies what any HTTP front costs on this
 * machine; between it and the API, what the API does per start. Two runs on 6 December read
 * it at 0.67 and 0.96 of the raw client, the API at 0.72 and 0.87 (bench/RESULTS.md).
 *
 * With a third or fourth side, each pair of rounds becomes raw / API / bare / earlier, then
 * the same backwards.
 */
import { application } from '../fixtures';
import { startBareFront, startEarlierApi } from '../earlier-api';
import type { BenchChild } from '../ipc';
import { cpuDelta, cpuSnapshot, formatCpu, othersCores, type CpuSnapshot } from '../proc';
import { ms, prepareRawApplications, startRaw, type BenchContext, type PhaseResult } from '../context';
import type { StatementCounts } from '../api-process';
import { fmt, log, pool, summarize } from '../util';

export interface StartsOutcome extends PhaseResult {
  apiIds: string[];
  rawIds: string[];
}

type Side = 'api' | 'earlier' | 'bare' | 'raw';
const WARMUP = Number(process.env.BENCH_START_WARMUP ?? 64);
/**
 * Rounds per side (BENCH_START_ROUNDS; by default one per 250 starts, at least 4). With two
 * rounds per side, one run's API rounds differed by 20 % (79.0 against 63.5/s), more than the
 * difference being measured; shorter rounds, alternated more often, average that out. With
 * four rounds of 250, the ratio of identical full runs still differed by ±0.08 (the raw
 * side's rounds ranged 74-117/s), so the full run takes 2,000 starts per side in eight.
 */
const pairsFor = (n: number) => Math.max(1, Number(process.env.BENCH_START_ROUNDS ?? Math.max(4, Math.round(n / 250))));
const LABEL: Record<Side, string> = { api: 'API', earlier: 'earlier API', bare: 'bare front', raw: 'raw' };
/** The sides that submit through POST /v1/applications, whose statements are counted; the others start from prepared rows. */
const isApi = (side: Side) => side === 'api' || side === 'earlier';

/** The statements an API process sent since its last reset; null for a build without the counter. */
async function statementsOf(child: BenchChild, reset: boolean): Promise<StatementCounts | null> {
  try {
    return reset ? ((await child.request('statements-reset')), null) : await child.request<StatementCounts>('statements');
  } catch {
    return null;
  }
}

export async function benchStarts(ctx: BenchContext, n: number, concurrency: number): Promise<StartsOutcome> {
  const { stack, org } = ctx;
  const earlier = await startEarlierApi(ctx);
  const bare = await startBareFront(ctx).catch(async (e: unknown) => {
    await earlier?.child.stop();
    throw e;
  });
  const order: Side[] = ['raw', 'api', ...(bare ? ['bare' as const] : []), ...(earlier ? ['earlier' as const] : [])];
  const pairs = pairsFor(n);
  const rounds: [Side, number][] = Array.from({ length: pairs }, (_, i): [Side, number][] => {
    // raw/API, then API/raw, ...: drift in the machine's speed falls on every side alike.
    const count = Math.floor((n * (i + 1)) / pairs) - Math.floor((n * i) / pairs);
    return (i % 2 === 0 ? order : [...order].reverse()).map((side): [Side, number] => [side, count]);
  }).flat();
  const sides: Side[] = ['api', ...(bare ? ['bare' as const] : []), ...(earlier ? ['earlier' as const] : []), 'raw'];
  const blank = <T>(f: () => T) => ({ api: f(), earlier: f(), bare: f(), raw: f() }) as Record<Side, T>;
  const wall = blank(() => 0);
  const latency = blank<number[]>(() => []);
  const cpu = blank<{ ms: Record<string, number>; wall: number; others: number }>(() => ({ ms: {}, wall: 0, others: 0 }));
  const ids = blank<string[]>(() => []);
  const statements = blank<{ total: number; starts: number; byText: Record<string, number> } | null>(() => ({ total: 0, starts: 0, byText: {} }));
  const errors = blank(() => 0);
  let seq = 0;

  /** `count` submissions for `side`, with the rows the raw side starts from (written now, outside any timing). */
  const prepare = async (side: Side, count: number, tag: string) => {
    const bodies = Array.from({ length: count }, () => application(org.jobId, ++seq, `${tag}-${side}`));
    return { bodies, inputs: isApi(side) ? [] : await prepareRawApplications(ctx, bodies) };
  };
  /** Start i of a prepared batch on `side`: its application id, or undefined when the API refused it (counted; the first three shown). */
  const startOne = async (side: Side, batch: Awaited<ReturnType<typeof prepare>>, i: number): Promise<string | undefined> => {
    if (side === 'raw') {
      await startRaw(ctx, batch.inputs[i]!);
      return batch.inputs[i]!.applicationId;
    }
    const http = side === 'earlier' ? earlier!.http : side === 'bare' ? bare!.http : stack.http;
    const r =
      side === 'bare'
        ? await http.call<{ id: string }>('POST', '/start', { body: batch.inputs[i] })
        : await http.call<{ id: string }>('POST', '/v1/applications', { token: org.integrator.token, body: batch.bodies[i] });
    if (r.status === 202) return r.body.id;
    errors[side] += 1;
    if (errors[side] <= 3) console.error(`POST ${side === 'bare' ? '/start' : '/v1/applications'} (${LABEL[side]}): ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return undefined;
  };

  try {
    for (const side of sides) {
      if (!WARMUP) break;
      const batch = await prepare(side, WARMUP, 'warmup');
      const warmIds: string[] = [];
      await pool(batch.bodies, concurrency, async (_body, i) => {
        const id = await startOne(side, batch, i);
        if (id) warmIds.push(id);
      });
      await stack.waitAllInStage(warmIds, 'evaluation');
      await stack.quiesce();
      log(`starts ${LABEL[side]}: warmed up with ${warmIds.length} starts (not measured)`);
    }
    for (const [side, count] of rounds) {
      if (!count) continue;
      const apiChild = side === 'earlier' ? earlier!.child : side === 'bare' ? bare!.child : stack.api;
      const batch = await prepare(side, count, 'start');
      const roundIds: string[] = [];
      if (isApi(side)) await statementsOf(apiChild, true);
      // The front serving this round is 'api' in the CPU figures, whichever it is.
      const pids = () => ({ ...stack.pids(), api: side === 'raw' ? stack.api.pid : apiChild.pid });
      const before: CpuSnapshot = cpuSnapshot(pids());
      const t0 = performance.now();
      await pool(batch.bodies, concurrency, async (_body, i) => {
        const s = performance.now();
        const id = await startOne(side, batch, i);
        if (!id) return;
        roundIds.push(id);
        latency[side].push(performance.now() - s);
      });
      const elapsed = performance.now() - t0;
      const d = cpuDelta(before, cpuSnapshot(pids()));
      // Read after the round's own audit batch (written within AUDIT_FLUSH_MS of the last answer) is out.
      const counted = isApi(side) ? (await new Promise((r) => setTimeout(r, 200)), await statementsOf(apiChild, false)) : null;
      const st = statements[side];
      if (isApi(side) && st) {
        if (!counted) statements[side] = null;
        else {
          st.total += counted.total;
          st.starts += roundIds.length;
          for (const [k, v] of Object.entries(counted.byText)) st.byText[k] = (st.byText[k] ?? 0) + v;
        }
      }
      wall[side] += elapsed;
      cpu[side].wall += d.wallMs;
      cpu[side].others += othersCores(d) * d.wallMs;
      for (const [name, v] of Object.entries(d.per)) cpu[side].ms[name] = (cpu[side].ms[name] ?? 0) + v.ms;
      const apiMs = side === 'raw' ? '' : `; ${side === 'bare' ? 'front' : 'API'} process ${fmt((d.per.api?.ms ?? 0) / Math.max(1, roundIds.length), 2)} CPU ms${counted ? ` and ${fmt(counted.total / Math.max(1, roundIds.length), 2)} statements` : ''} per start`;
      log(`starts ${LABEL[side]}: ${count} in ${(elapsed / 1000).toFixed(2)} s = ${fmt((count / elapsed) * 1000)}/s; ${formatCpu(d)}${apiMs}`);
      ids[side].push(...roundIds);
      const tail = await stack.waitAllInStage(roundIds, 'evaluation');
      log(`  all ${roundIds.length} in evaluation ${(tail / 1000).toFixed(1)} s after the last start`);
      await stack.quiesce();
    }
  } finally {
    await earlier?.child.stop();
    await bare?.child.stop();
  }

  const tput = (side: Side) => (ids[side].length / wall[side]) * 1000;
  const ratio = tput('api') / tput('raw');
  const cpuLine = (side: Side) =>
    ['worker', 'api', 'temporal', 'postgres', 'bench']
      .filter((k) => cpu[side].ms[k] !== undefined && !(side === 'raw' && k === 'api'))
      .map((k) => `${k} ${((cpu[side].ms[k]! / cpu[side].wall) * 100).toFixed(0)}%`)
      .concat(`other processes ${((cpu[side].others / cpu[side].wall) * 100).toFixed(0)}%`)
      .join(', ');
  const perStart = (side: Side, k: string) => (cpu[side].ms[k] ?? 0) / ids[side].length;
  const perStartCell = (side: Side) =>
    `${side === 'raw' ? '–' : fmt(perStart(side, 'api'), 2)} / ${fmt(perStart(side, 'postgres'), 2)} / ${fmt(perStart(side, 'temporal'), 2)} / ${fmt(perStart(side, 'worker'), 2)}`;
  const statementsCell = (side: Side) => {
    const st = statements[side];
    if (!isApi(side)) return '–';
    return st && st.starts ? fmt(st.total / st.starts, 2) : 'not counted';
  };
  const header = sides.map((s) =>
    s === 'api'
      ? 'API (`POST /v1/applications`)'
      : s === 'earlier'
        ? `earlier API (\`${earlier!.dir}\`)`
        : s === 'bare'
          ? 'bare HTTP front (`scripts/bench/bare-front.ts`)'
          : 'raw `workflow.start`',
  );
  const row = (name: string, f: (s: Side) => string) => `| ${name} | ${sides.map(f).join(' | ')} |`;
  const statementLines = sides
    .filter((s) => s !== 'raw' && statements[s]?.starts)
    .map((s) => {
      const st = statements[s]!;
      const top = Object.entries(st.byText)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, v]) => `${fmt(v / st.starts, 2)} × \`${k.slice(0, 80)}\``)
        .join('; ');
      return `Statements per start, ${LABEL[s]}: ${top}.`;
    });
  const details = [
    `N = ${n} per side at concurrency ${concurrency}, rounds ${rounds.map(([s, c]) => `${LABEL[s]} ${c}`).join(' / ')}, after ${WARMUP} starts per side not measured (warm-up); every workflow ran on to \`evaluation\` during its round.`,
    '',
    `| | ${header.join(' | ')} |`,
    `|---|${sides.map(() => '---').join('|')}|`,
    row('throughput', (s) => `${fmt(tput(s))}/s${s === 'raw' ? '' : ` (ratio ${(tput(s) / tput('raw')).toFixed(2)})`}`),
    row('request latency p50 / p99', (s) => {
      const l = summarize(latency[s]);
      return `${ms(l.p50)} / ${ms(l.p99)}`;
    }),
    row('CPU while starting (share of one core)', cpuLine),
    row(`CPU ms per start: ${bare ? 'API or front' : 'API'} process / PostgreSQL / Temporal server / worker`, perStartCell),
    row("statements per start (the API's pool)", statementsCell),
    ...(statementLines.length ? ['', ...statementLines] : []),
    ...sides.filter((s) => errors[s]).map((s) => `\n${errors[s]} ${LABEL[s]} starts failed.`),
  ].join('\n');
  return {
    apiIds: ids.api,
    rawIds: ids.raw,
    rows: [
      {
        measure: `1. Workflow starts (N=${n}, c=${concurrency})`,
        ours: `${fmt(tput('api'))}/s`,
        reference: `${fmt(tput('raw'))}/s raw client`,
        comparison: `ratio ${ratio.toFixed(2)}${bare ? ` (bare HTTP front ${(tput('bare') / tput('raw')).toFixed(2)})` : ''}`,
        target: '≥ 0.85',
        met: ratio >= 0.85,
      },
    ],
    details,
  };
}
