/**
 * Bulk intake: one POST /v1/applications/batch of N items (500, the most a batch takes)
 * against the same N sent as single POST /v1/applications at the batch route's own
 * concurrency, in that order and then the other, so neither always meets the busier
 * server. The issue's target: 500 items started in under 10 s on this machine. A batch
 * answers once every item's workflow has started; the tail to `evaluation` is logged.
 */
import { application } from '../fixtures';
import type { BenchContext, PhaseResult } from '../context';
import { fmt, log, pool } from '../util';

const TARGET_MS = 10_000;
/** The batch route's concurrency (api/routes/applications.ts), for a like-for-like reference. */
const SINGLE_CONCURRENCY = 32;

export async function benchBatch(ctx: BenchContext, n: number): Promise<PhaseResult> {
  const { stack, org } = ctx;
  let seq = 0;
  const bodies = (tag: string) => Array.from({ length: n }, () => ({ ...application(org.jobId, ++seq, tag), externalId: `bench-${tag}-${seq}` }));
  const batchMs: number[] = [];
  const singleMs: number[] = [];
  let failures = 0;

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

  const runBatch = async (tag: string) => {
    const items = bodies(tag);
    const t0 = performance.now();
    const r = await stack.http.call<{ results: { status: string; id?: string }[] }>('POST', '/v1/applications/batch', {
      token: org.integrator.token,
      body: { items },
    });
    const elapsed = performance.now() - t0;
    const ids = r.status === 200 ? r.body.results.filter((x) => x.status === 'created').map((x) => x.id!) : [];
    if (ids.length !== n) {
      failures += n - ids.length;
      console.error(`batch: ${r.status}, ${ids.length} of ${n} created: ${JSON.stringify(r.body).slice(0, 300)}`);
    }
    batchMs.push(elapsed);
    log(`batch of ${n}: ${(elapsed / 1000).toFixed(2)} s`);
    await settle(ids, `the batch's ${ids.length}`);
  };
  const runSingles = async (tag: string) => {
    const items = bodies(tag);
    const ids: string[] = [];
    const t0 = performance.now();
    await pool(items, SINGLE_CONCURRENCY, async (body) => {
      const r = await stack.http.call<{ id: string }>('POST', '/v1/applications', { token: org.integrator.token, body });
      if (r.status === 202) ids.push(r.body.id);
      else failures += 1;
    });
    const elapsed = performance.now() - t0;
    singleMs.push(elapsed);
    log(`${n} single POSTs at c=${SINGLE_CONCURRENCY}: ${(elapsed / 1000).toFixed(2)} s`);
    await settle(ids, `the ${ids.length} singles`);
  };

  await runBatch('batch-a');
  await runSingles('single-a');
  await runSingles('single-b');
  await runBatch('batch-b');

  const worst = Math.max(...batchMs);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    rows: [
      {
        measure: `bulk intake: one batch of ${n} applications started (worst of ${batchMs.length})`,
        ours: `${fmt(worst / 1000, 2)} s (${fmt((n / worst) * 1000, 0)}/s)`,
        reference: `${n} single POSTs at c=${SINGLE_CONCURRENCY}: ${fmt(mean(singleMs) / 1000, 2)} s`,
        comparison: `${fmt(mean(singleMs) / mean(batchMs), 2)}× the singles' speed`,
        target: `< ${TARGET_MS / 1000} s`,
        met: failures === 0 && worst < TARGET_MS,
      },
    ],
    details: [
      `Batches: ${batchMs.map((x) => `${fmt(x / 1000, 2)} s`).join(', ')}; single POSTs: ${singleMs.map((x) => `${fmt(x / 1000, 2)} s`).join(', ')}; items not created: ${failures}.`,
      `A batch answers when every item's row is written and its workflow started (${SINGLE_CONCURRENCY} at a time inside the API); each round waits until all its applications reach \`evaluation\` before the next.`,
    ].join('\n\n'),
  };
}
