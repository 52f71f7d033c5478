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
 * A third set (fixtures/encrypted/, issue 15) was recorded as production stores histories:
 * every payload sealed by the payload codec with the application's data key. It replays
 * with the codec and the fixtures' committed test key, and must hold no candidate's name,
 * e-mail or salary in plain anywhere.
 *
 * Two controls show the test has teeth: the same workflow with an unguarded extra timer
 * is refused on every history, and that change behind patched() replays cleanly.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from '../../privacy/codec';
import { FAILURE_CONVERTER_PATH } from '../../privacy/data-converter';
import {
  DATA_KEYS_FILE,
  ENCRYPTED_SET,
  FIXTURE_CANDIDATES,
  FIXTURE_PAYLOAD_KEYS,
  FIXTURE_SALARY,
  fixtureDataKeys,
  type TFixtureDataKey,
} from '../../scripts/harness/replay-fixtures';
import { parsePayloadKeys } from '../../temporal.config';
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

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** Every payload in a history, with the path of fields it sits under. */
function payloadsOf(history: JsonHistory): { path: string; payload: JsonPayload }[] {
  const found: { path: string; payload: JsonPayload }[] = [];
  const walk = (o: unknown, path: string) => {
    if (Array.isArray(o)) return o.forEach((x) => walk(x, path));
    if (!o || typeof o !== 'object') return;
    const rec = o as Record<string, unknown>;
    if (rec.metadata && typeof rec.metadata === 'object' && 'data' in rec) {
      found.push({ path, payload: rec });
      return;
    }
    for (const [k, v] of Object.entries(rec)) walk(v, `${path}.${k}`);
  };
  walk(history.events, '');
  return found;
}

const text = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString('utf8');
const toPayload = (p: JsonPayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

/** What Temporal indexes or core writes itself, never through the codec: search attributes and patch markers. */
const OUTSIDE_CODEC = /\.searchAttributes\.indexedFields\.|\.markerRecordedEventAttributes\.details\.patch-data\./;

/**
 * The recorder's candidates' data found in plain in a history: in its JSON text, or in any
 * payload's base64-decoded data (a JSON payload's value is base64 in the file). Empty for an
 * encrypted fixture; plain payloads outside the codec are listed too.
 */
function plaintextIn(history: JsonHistory): string[] {
  const needles = [...Object.values(FIXTURE_CANDIDATES).flatMap((c) => [c.name, c.email]), String(FIXTURE_SALARY)];
  const haystacks = [JSON.stringify(history), ...payloadsOf(history).map(({ payload }) => text(payload.data))];
  const found = needles.filter((n) => haystacks.some((h) => h.includes(n)));
  const unsealed = payloadsOf(history)
    .filter(({ path, payload }) => text(payload.metadata?.encoding) !== 'binary/encrypted' && !OUTSIDE_CODEC.test(`${path}.`))
    .map(({ path, payload }) => `plain payload at ${path} (${text(payload.metadata?.encoding)})`);
  return [...found, ...new Set(unsealed)];
}

describe('histories recorded encrypted (issue 15)', () => {
  const SET = ENCRYPTED_SET;
  const ENC_PATHS = ['rejected', 'declined', 'expired', 'withdrawn', 'confirmed', 'probation_failed'] as const;
  const ring = parsePayloadKeys(FIXTURE_PAYLOAD_KEYS).keys!;
  const keys = JSON.parse(readFileSync(new URL(`./fixtures/${SET}/${DATA_KEYS_FILE}`, import.meta.url), 'utf8')) as TFixtureDataKey[];
  const codec = new EncryptionCodec(ring, fixtureDataKeys(ring, keys));
  const converter: DataConverter = { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
  const applicationOf = (h: JsonHistory) => text(payloadsOf(h).find((p) => p.payload.metadata?.['encryption-key-id'])!.payload.metadata!['encryption-key-id']);

  it.each(ENC_PATHS)('%s: every payload the codec sees is sealed with the application\'s data key; no candidate data in plain', (name) => {
    const history = fixture(name, SET);
    expect(plaintextIn(history)).toEqual([]);
    const sealed = payloadsOf(history).filter(({ payload }) => text(payload.metadata?.encoding) === 'binary/encrypted');
    expect(sealed.length).toBeGreaterThan(20);
    expect(new Set(sealed.map(({ payload }) => text(payload.metadata?.['encryption-key-id'])))).toEqual(new Set([applicationOf(history)]));
  });

  it('the check has teeth: the plain recording of the same journey shows the candidate\'s name, the salary and plain payloads', () => {
    const found = plaintextIn(fixture('declined'));
    expect(found).toEqual(expect.arrayContaining([FIXTURE_CANDIDATES.declined.name, String(FIXTURE_SALARY)]));
    expect(found).toContain('plain payload at .workflowExecutionStartedEventAttributes.input.payloads (json/plain)');
  });

  it('with the fixture key, the codec opens the recorded input: the candidate\'s name is there', async () => {
    const history = fixture('confirmed', SET);
    const input = history.events[0]!.workflowExecutionStartedEventAttributes.input.payloads as JsonPayload[];
    const decoded = await codec.decode(input.map(toPayload));
    expect(decoded.map((p) => Buffer.from(p.data!).toString('utf8')).join('')).toContain(FIXTURE_CANDIDATES.confirmed.name);
  });

  it.each(ENC_PATHS)('%s: ended in that stage and replays against the current workflow code, decoded by the codec', async (name) => {
    const history = fixture(name, SET);
    const [last] = await codec.decode([toPayload(history.events.at(-1)!.workflowExecutionCompletedEventAttributes.result.payloads[0] as JsonPayload)]);
    expect(JSON.parse(Buffer.from(last!.data!).toString('utf8'))).toBe(name);
    await expect(
      Worker.runReplayHistory({ workflowBundle: current, replayName: `replay-${SET}-${name}`, dataConverter: converter }, history),
    ).resolves.toBeUndefined();
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
