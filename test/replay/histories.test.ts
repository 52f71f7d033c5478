/**
 * Replay safety: the recorded history of one complete journey per way an application
 * ends (scripts/record-histories.ts writes them to fixtures/) replays against the
 * current workflow code without a nondeterminism error. A change that would break
 * workflows already running fails here; see the README for patched()/deprecatePatch.
 *
 * Two sets: the histories recorded before the 'read-your-writes' patch (fixtures/), whose
 * updates answered as soon as their handler returned, and those recorded after it
 * (fixtures/read-your-writes/), whose updates answer once the workflow has applied what
 * follows from them; both must keep replaying.
 *
 * Two controls show the test has teeth: the same workflow with an unguarded extra timer
 * is refused on every history, and that change behind patched() replays cleanly.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { READ_YOUR_WRITES_PATCH } from '../../workflows/context';
import { workflowBundle } from '../helpers/stack';

/**
 * `hired` was recorded before probation (issue 18): its replay shows that workflows which
 * reached `hired` without the probation code keep that ending (patched('probation') is
 * false for them). `confirmed` and `probation_failed` are journeys through probation.
 */
const PATHS = ['rejected', 'declined', 'expired', 'hired', 'withdrawn', 'confirmed', 'probation_failed'] as const;

interface JsonHistory {
  events: { eventId: string; eventType: string; [k: string]: any }[];
}

/** `set`: '' for the first recordings, else the folder of a later set. */
function fixture(name: string, set = ''): JsonHistory {
  return JSON.parse(readFileSync(new URL(`./fixtures/${set ? `${set}/` : ''}${name}.json`, import.meta.url), 'utf8')) as JsonHistory;
}

/** Whether the history recorded the marker of `patchId` (core's `patch-data` detail names it). */
function hasPatchMarker(history: JsonHistory, patchId: string): boolean {
  return history.events.some((e) => {
    if (e.eventType !== 'EVENT_TYPE_MARKER_RECORDED') return false;
    const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data as string | undefined;
    return data !== undefined && (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id?: string }).id === patchId;
  });
}

/** The workflow's return value (its final stage), read from the completion event. */
function resultOf(history: JsonHistory): unknown {
  const last = history.events[history.events.length - 1]!;
  const data = last.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0]?.data as string | undefined;
  return data === undefined ? undefined : JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
}

const variant = (name: string) =>
  bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL(`../helpers/replay-variants/${name}.ts`, import.meta.url)),
    logger: new DefaultLogger('WARN'),
  });

let current: WorkflowBundle;

beforeAll(async () => {
  // ERROR: the refused replays below would otherwise print core's nondeterminism warnings.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  current = await workflowBundle();
});

describe('recorded histories', () => {
  it.each(PATHS)('%s: a complete journey that ended in that stage', (name) => {
    const history = fixture(name);
    expect(history.events[0]!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    expect(history.events[0]!.workflowExecutionStartedEventAttributes.workflowType.name).toBe('applicationWorkflow');
    expect(history.events.at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    expect(resultOf(history)).toBe(name);
  });

  it.each(PATHS)('%s: replays against the current workflow code', async (name) => {
    await expect(Worker.runReplayHistory({ workflowBundle: current, replayName: `replay-${name}` }, fixture(name))).resolves.toBeUndefined();
  });
});

describe('histories recorded with read-your-writes', () => {
  const SET = 'read-your-writes';
  // Recorded before probation existed: the five endings of that time.
  const RYW_PATHS = ['rejected', 'declined', 'expired', 'hired', 'withdrawn'] as const;

  it.each(RYW_PATHS)('%s: recorded after the patch (its marker is in the history), ended in that stage', (name) => {
    const history = fixture(name, SET);
    expect(resultOf(history)).toBe(name);
    expect(hasPatchMarker(history, READ_YOUR_WRITES_PATCH)).toBe(true);
    expect(hasPatchMarker(fixture(name), READ_YOUR_WRITES_PATCH)).toBe(false);
  });

  it.each(RYW_PATHS)('%s: replays against the current workflow code', async (name) => {
    await expect(Worker.runReplayHistory({ workflowBundle: current, replayName: `replay-${SET}-${name}` }, fixture(name, SET))).resolves.toBeUndefined();
  });
});

// Seven histories replayed in each control: minutes on a loaded machine.
describe('the replayer has teeth', { timeout: 240_000 }, () => {
  it('an unguarded change (a timer before the first step) is refused as nondeterministic for every history', async () => {
    const divergent = await variant('divergent');
    for (const name of PATHS) {
      const err = await Worker.runReplayHistory({ workflowBundle: divergent, replayName: `divergent-${name}` }, fixture(name)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(DeterminismViolationError);
      expect(String((err as Error).message), name).toMatch(/nondetermin/i);
    }
  });

  it('the same change behind patched() replays every history cleanly', async () => {
    const safe = await variant('patched');
    for (const name of PATHS) {
      await expect(Worker.runReplayHistory({ workflowBundle: safe, replayName: `patched-${name}` }, fixture(name)), name).resolves.toBeUndefined();
    }
  });
});
