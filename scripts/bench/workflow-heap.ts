/**
 * The heap one cached workflow costs, without Temporal: loads a workflow bundle into the
 * SDK's reusable V8 context (the class a worker uses by default, in this process instead of
 * its workflow thread), starts N application workflows in it with the input of a recorded
 * history (test/replay/fixtures/hired.json) and keeps them all, as a worker's cache does.
 * Each workflow runs its first activation: its modules are instantiated, its handlers set,
 * its context built, its first activities scheduled. Then a full GC and the heap used,
 * against the same with none, and the CPU time that took. Load-independent (no server, no
 * wall time): for A/B of workflow code and bundle options in seconds.
 *
 *   npx tsx scripts/bench/build-bundle.ts /tmp/b.js
 *   node --expose-gc --import tsx scripts/bench/workflow-heap.ts /tmp/b.js [N=200] [modules]
 *
 * `modules` also prints the modules each workflow instantiated for itself (its module cache)
 * against those the context shares. What a workflow holds later in its life (timeline,
 * offers, more pending timers) is not here: see the memory phase and heap-summary.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import proto from '@temporalio/proto';
import { TypedSearchAttributes } from '@temporalio/common';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import { msToTs } from '@temporalio/common/lib/time';

const FIXTURE = fileURLToPath(new URL('../../test/replay/fixtures/hired.json', import.meta.url));

interface HistoryPayload {
  metadata: Record<string, string>;
  data: string;
}

function startInput(): proto.temporal.api.common.v1.IPayload[] {
  const history = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
    events: { workflowExecutionStartedEventAttributes?: { input: { payloads: HistoryPayload[] } } }[];
  };
  const started = history.events[0]!.workflowExecutionStartedEventAttributes!;
  return started.input.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data, 'base64'),
  }));
}

const gcNow = () => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) g();
  return process.memoryUsage().heapUsed;
};

export async function measure(bundleFile: string, n: number, listModules = false) {
  // As the worker runs its workflow thread by default (WORKFLOW_STACK_TRACES unset; worker.ts).
  process.env.TEMPORAL_WORKFLOW_STACK_TRACES ??= '0';
  const code = readFileSync(bundleFile, 'utf8');
  const creator = await ReusableVMWorkflowCreator.create(
    { code, filename: path.resolve(bundleFile), sourceMap: { version: 3, sources: [], names: [], mappings: '', file: '' } },
    60_000,
    new Set(),
  );
  const input = startInput();
  const start = async () => {
    const runId = randomUUID();
    const now = Date.now();
    const wf = await creator.createWorkflow({
      info: {
        workflowId: `heap-${runId}`,
        runId,
        workflowType: 'applicationWorkflow',
        searchAttributes: {},
        typedSearchAttributes: new TypedSearchAttributes(),
        taskQueue: 'heap',
        namespace: 'default',
        firstExecutionRunId: runId,
        originalExecutionRunId: runId,
        startTime: new Date(now),
        runStartTime: new Date(now),
        taskTimeoutMs: 10_000,
        attempt: 1,
        historyLength: 3,
        historySize: 0,
        continueAsNewSuggested: false,
        targetWorkerDeploymentVersionChanged: false,
        suggestedContinueAsNewReasons: [],
        currentBuildId: '',
        unsafe: { now: () => Date.now(), isReplaying: false, isReplayingHistoryEvents: false, random: Math.random },
        priority: {},
      } as never,
      randomnessSeed: [1, 2, 3, 4, 5, 6, 7, 8],
      now,
      showStackTraceSources: false,
    });
    const activation = proto.coresdk.workflow_activation.WorkflowActivation.fromObject({
      runId,
      timestamp: msToTs(now),
      historyLength: 3,
      jobs: [
        {
          initializeWorkflow: {
            workflowId: `heap-${runId}`,
            workflowType: 'applicationWorkflow',
            arguments: input,
            randomnessSeed: 1,
            firstExecutionRunId: runId,
            attempt: 1,
            startTime: msToTs(now),
            workflowTaskTimeout: msToTs(10_000),
          },
        },
      ],
    });
    const completion = await wf.activate(activation);
    const commands = completion.successful?.commands?.length ?? 0;
    if (!commands) throw new Error(`the workflow's first activation failed: ${JSON.stringify(completion.failed ?? completion).slice(0, 500)}`);
    return { wf, commands };
  };
  // One first, so that code compiled lazily on first use is not counted per workflow.
  const warm = await start();
  await warm.wf.dispose();
  const before = gcNow();
  const kept = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) kept.push(await start());
  const cpu = process.cpuUsage(cpu0);
  const after = gcNow();
  const cpuMs = (cpu.user + cpu.system) / 1000 / n;
  const perKiB = (after - before) / n / 1024;
  console.log(
    `${path.basename(bundleFile)}: ${(code.length / 1024).toFixed(0)} KiB bundle; ${n} workflows (${kept[0]!.commands} commands each on their first activation): heap +${((after - before) / 1048576).toFixed(1)} MiB, ${perKiB.toFixed(1)} KiB per workflow; CPU ${cpuMs.toFixed(2)} ms per workflow (create + first activation)`,
  );
  if (process.env.WM_SNAP) (await import('node:v8')).writeHeapSnapshot(process.env.WM_SNAP);
  if (listModules) {
    const activator = (kept[0]!.wf as unknown as { activator: { moduleCache: Map<string, unknown> } }).activator;
    const own = [...activator.moduleCache.keys()];
    console.log(`modules each workflow instantiates for itself (${own.length}):\n  ${own.join('\n  ')}`);
  }
  for (const k of kept) await k.wf.dispose();
  await creator.destroy();
  return perKiB;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, n, modules] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --expose-gc --import tsx scripts/bench/workflow-heap.ts <bundle.js> [N=200] [modules]');
    process.exit(2);
  }
  await measure(file, Number(n ?? 200), modules === 'modules');
}
