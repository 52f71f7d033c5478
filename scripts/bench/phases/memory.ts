/**
 * 6. Memory: the worker's resident memory while it holds N open workflows waiting in
 * `evaluation`. A fresh worker process (started as `npm run worker` starts it) is
 * measured idle, then each of N open workflows is queried once: the worker replays each
 * into its cache (what a worker holds after it ran them, or after a restart once they are
 * touched again). Reference: the same worker idle. Variants (a workflow cache limit, a
 * pre-built bundle) run in the same way, each in its own fresh worker.
 */
import path from 'node:path';
import { statusQuery } from '../../../workflows/messages';
import { workflowIdFor, type BenchContext, type PhaseResult } from '../context';
import { memMb } from '../proc';
import { fmt, log, pool, sleep, summarize, timed } from '../util';

const TARGET_MB = 300;
/** How long the worker is left alone after the queries before its resting RSS is read. */
const REST_S = Number(process.env.BENCH_MEMORY_REST_S ?? 30);

/** The worker's RSS after `seconds` with nothing to do. */
async function restingRss(pid: number, seconds: number): Promise<number> {
  await sleep(seconds * 1000);
  return memMb(pid).rss;
}

export interface MemoryVariant {
  label: string;
  env: Record<string, string>;
}

export async function benchMemory(ctx: BenchContext, ids: string[], variants: MemoryVariant[]): Promise<PhaseResult> {
  const { stack } = ctx;
  const rows: PhaseResult['rows'] = [];
  const details: string[] = [
    `${ids.length} open workflows, all in \`evaluation\`. For each variant: a fresh worker, its RSS idle after 3 s, then every workflow queried once (replayed into the worker's cache; 16 at a time), then RSS again, a second round of queries to show what a read costs once they are (or are not) cached, and RSS once more after ${REST_S} s with nothing to do (at rest: V8 has collected the replays' garbage).`,
    '',
    '| variant | idle RSS | RSS with the workflows | at rest | per workflow | heap used (main thread) | first query p50 (replay) | second query p50 / p99 |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const v of variants) {
    await stack.restartWorker(v.env);
    await sleep(3000);
    const idle = memMb(stack.worker.pid);
    const query = (id: string) => stack.client.workflow.getHandle(workflowIdFor(id)).query(statusQuery);
    const first: number[] = [];
    await pool(ids, 16, async (id) => first.push((await timed(() => query(id)))[0]));
    await stack.quiesce();
    await sleep(2000);
    const loaded = memMb(stack.worker.pid);
    const st = await stack.worker.stats();
    const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
    if (snapshotDir) {
      const gcd = await stack.worker.request<{ heapUsedMb: number }>('gc');
      const name = v.label.replace(/\W+/g, '_');
      const file = await stack.worker.request<string>('heap-snapshot', path.join(snapshotDir, `worker-${name}.heapsnapshot`));
      log(`memory [${v.label}]: heap used after a full GC ${fmt(gcd.heapUsedMb, 0)} MiB; snapshot ${file}`);
      if (process.env.BENCH_WORKER_DEBUG_MODE !== '1') {
        // The workflows are in the SDK's workflow thread: its heap too (heap-summary.ts reads both).
        const thread = await stack.worker.request<string>('thread-heap-snapshot', path.join(snapshotDir, `worker-${name}-thread.heapsnapshot`));
        log(`memory [${v.label}]: workflow thread snapshot ${thread}`);
      }
    }
    const second: number[] = [];
    for (const id of ids.slice(0, 300)) second.push((await timed(() => query(id)))[0]);
    // Then left alone, as a worker whose workflows all wait on people is: V8 collects the
    // replays' garbage once the isolates go idle (its memory reducer), not at once.
    const rest = await restingRss(stack.worker.pid, REST_S);
    const s1 = summarize(first);
    const s2 = summarize(second);
    const perKb = ((loaded.rss - idle.rss) * 1024) / ids.length;
    log(
      `memory [${v.label}]: idle ${fmt(idle.rss, 0)} MiB, with ${ids.length} workflows ${fmt(loaded.rss, 0)} MiB, at rest ${REST_S} s later ${fmt(rest, 0)} MiB; queries: replay p50 ${fmt(s1.p50)} ms, again p50 ${fmt(s2.p50)} ms`,
    );
    // The line's figure is the worker at rest holding the workflows; right after replaying
    // all of them it still carries their garbage, shown beside it.
    rows.push({
      measure: `6. Worker RSS, ${ids.length} open workflows${variants.length > 1 ? ` [${v.label}]` : ''}`,
      ours: `${fmt(rest, 0)} MiB at rest (${fmt(loaded.rss, 0)} MiB 2 s after replaying them)`,
      reference: `${fmt(idle.rss, 0)} MiB same worker idle`,
      comparison: `+${fmt(perKb, 0)} KiB per workflow`,
      target: `< ${TARGET_MB} MiB`,
      met: rest < TARGET_MB,
    });
    details.push(
      `| ${v.label} | ${fmt(idle.rss, 0)} MiB | ${fmt(loaded.rss, 0)} MiB (peak ${fmt(loaded.hwm, 0)}) | ${fmt(rest, 0)} MiB | ${fmt(perKb, 0)} KiB | ${fmt(st.heapUsedMb, 0)} MiB | ${fmt(s1.p50)} ms | ${fmt(s2.p50)} / ${fmt(s2.p99)} ms |`,
    );
  }
  details.push(
    '',
    'Workflows run in the SDK\'s workflow thread (reuseV8Context), whose heap is not in the main thread\'s `heapUsed`: the difference between RSS and the main heap is mostly that thread, the native core and the loaded code.',
  );
  return { rows, details: details.join('\n') };
}
