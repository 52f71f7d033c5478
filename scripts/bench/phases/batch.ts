/**
 * Bulk intake: one POST /v1/applications/batch of N items (500, the most a batch takes)
 * against N raw `workflow.start` calls of the same workflow at the batch route's own
 * concurrency (rows prepared beforehand, untimed, as the API would write them): what the
 * starts alone cost on this machine at this moment. ABBA rounds (batch, raw, raw, batch),
 * so neither side always meets the busier server. The issue's target: 500 items started
 * in under 10 s on this machine. A batch answers once every item's workflow has started;
 * each round waits until its applications reach `evaluation` before the next (logged).
 */
import os from 'node:os';
import { BATCH_CONCURRENCY } from '../../../api/submissions';
import { application } from '../fixtures';
import { prepareRawApplications, startRaw, type BenchContext, type PhaseResult } from '../context';
import { cpuDelta, cpuSnapshot, formatCpu, othersCores } from '../proc';
import { fmt, log, pool } from '../util';

const TARGET_MS = 10_000;

type Side = 'batch' | 'raw';
interface Round {
  side: Side;
  ms: number;
  created: number;
  cpu: string;
  othersCores: number;
  load1: number;
}

export async function benchBatch(ctx: BenchContext, n: number): Promise<PhaseResult> {
  const { stack, org } = ctx;
  let seq = 0;
  const bodies = (tag: string) => Array.from({ length: n }, () => ({ ...application(org.jobId, ++seq, tag), externalId: `bench-${tag}-${seq}` }));
  const rounds: Round[] = [];
  const samples: string[] = [];

  /** Lets a round's workflows run on before the next round (not measured; a slow tail is logged, not fatal). */
  const settle = async (ids: string[], what: string) => {
    try {
      const tail = await stack.waitAllInStage(ids, 'evaluation');
      log(`  ${what} all in evaluation ${(tail / 1000).toFixed(1)} s after the last start`);
    } catch (e) {
      log(`  ${what}: ${e instanceof Error ? e.message : String(e)}; going on`);
    }
    await stack.quiesce();
  };

  const measure = async (side: Side, fn: () => Promise<string[]>) => {
    const load1 = os.loadavg()[0]!;
    const before = cpuSnapshot(stack.pids());
    const t0 = performance.now();
    const ids = await fn();
    const ms = performance.now() - t0;
    const d = cpuDelta(before, cpuSnapshot(stack.pids()));
    rounds.push({ side, ms, created: ids.length, cpu: formatCpu(d), othersCores: othersCores(d), load1 });
    log(`${side === 'batch' ? `batch of ${n}` : `${n} raw starts at c=${BATCH_CONCURRENCY}`}: ${(ms / 1000).toFixed(2)} s, ${ids.length} started; load average ${fmt(load1, 1)}; ${formatCpu(d)}`);
    await settle(ids, `the ${side} round's ${ids.length}`);
  };

  const runBatch = (tag: string) =>
    measure('batch', async () => {
      const r = await stack.http.call<{ results: { status: string; id?: string }[] }>('POST', '/v1/applications/batch', {
        token: org.integrator.token,
        body: { items: bodies(tag) },
      });
      const ids = r.status === 200 ? r.body.results.filter((x) => x.status === 'created').map((x) => x.id!) : [];
      if (ids.length !== n) samples.push(`batch ${tag}: ${r.status}, ${ids.length} of ${n} created: ${JSON.stringify(r.body).slice(0, 300)}`);
      return ids;
    });
  const runRaw = async (tag: string) => {
    const inputs = await prepareRawApplications(ctx, bodies(tag));
    await measure('raw', async () => {
      await pool(inputs, BATCH_CONCURRENCY, (input) => startRaw(ctx, input));
      return inputs.map((x) => x.applicationId);
    });
  };

  await runBatch('batch-a');
  await runRaw('raw-a');
  await runRaw('raw-b');
  await runBatch('batch-b');

  const of = (side: Side) => rounds.filter((r) => r.side === side);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const batchMs = of('batch').map((r) => r.ms);
  const rawMs = of('raw').map((r) => r.ms);
  const worst = Math.max(...batchMs);
  const failures = of('batch').reduce((a, r) => a + n - r.created, 0);
  const loads = rounds.map((r) => r.load1);
  return {
    rows: [
      {
        measure: `bulk intake: one batch of ${n} applications started (worst of ${batchMs.length})`,
        ours: `${fmt(worst / 1000, 2)} s (${fmt((n / worst) * 1000, 0)}/s)`,
        reference: `${n} raw workflow.start at c=${BATCH_CONCURRENCY}: ${fmt(mean(rawMs) / 1000, 2)} s`,
        comparison: `batch ${fmt(mean(batchMs) / mean(rawMs), 2)}× the raw starts' time; load average ${fmt(Math.min(...loads), 1)}–${fmt(Math.max(...loads), 1)}`,
        target: `< ${TARGET_MS / 1000} s`,
        met: failures === 0 && worst < TARGET_MS,
      },
    ],
    details: [
      `N = ${n} per round, rounds batch / raw / raw / batch; the raw rounds' rows were written beforehand (untimed) and their client has no payload codec (the API's encrypts every payload).`,
      '',
      '| round | wall time | started | load average (1 min) at its start | CPU during it |',
      '|---|---|---|---|---|',
      ...rounds.map((r) => `| ${r.side === 'batch' ? `POST /v1/applications/batch (${n} items)` : `${n} raw workflow.start, c=${BATCH_CONCURRENCY}`} | ${fmt(r.ms / 1000, 2)} s | ${r.created} | ${fmt(r.load1, 1)} | ${r.cpu} |`),
      '',
      `A batch answers when every item's row is written (one statement for all), their payload keys are made (one more) and every workflow has started (${BATCH_CONCURRENCY} at a time inside the API); each round waits until all its applications reach \`evaluation\` before the next.`,
      samples.length ? `\nItems not created: ${failures}. ${samples.join(' | ')}` : '',
    ].join('\n'),
  };
}
