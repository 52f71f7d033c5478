/**
 * The whole workflow's context, shared by every phase: its state, the timeline, stage
 * moves (mirrored to the database with a sequence number, in the Stage search attribute
 * and as a webhook event), the messenger and the event pump.
 */
import type { Duration } from '@temporalio/common';
import { condition, patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { TStage } from '../domain/contracts/application';
import { addDuration } from '../domain/durations';
import { createEventPump, type EventPump } from './events';
import type { TActor, TApplicationWorkflowInput } from './messages';
import { createMessenger, type Messenger } from './notify';
import { acts } from './proxies';
import { StageKey } from './search-attributes';
import { actorRef } from './actors';
import { appendLog, initialState, type TWorkflowState } from './state';

export type TLogDetail = Record<string, unknown>;

export interface TWorkflowContext {
  input: TApplicationWorkflowInput;
  state: TWorkflowState;
  messenger: Messenger;
  events: EventPump;
  /** The candidate's name and the job's title, as messages show them. */
  candidate: { candidateName: string; jobTitle: string };
  nowIso: () => string;
  log: (type: string, actor: TActor | 'system', detail?: TLogDetail) => void;
  /** Moves the application and mirrors the move (nothing moves after a withdrawal but the withdrawal). */
  moveTo: (stage: TStage, actor?: TActor | 'system', detail?: TLogDetail) => Promise<void>;
  /**
   * A move an activity already wrote in its own transaction (with its stage_transitions row),
   * numbered by `nextStageSeq`, at the time the activity was given.
   */
  movedByActivity: (stage: TStage, seq: number, at: string) => void;
  nextStageSeq: () => number;
  /** Whether the application was withdrawn: every phase stops. */
  stopped: () => boolean;
  /** Acceptances being signed, by version (not part of the queried state). */
  signing: Map<number, Promise<void>>;
  /**
   * The main flow waits on a person or a timer here, never on a bare `condition`: the same
   * wait (and the same timer command), remembered so that `answered` knows whether a
   * handler's change woke the flow.
   */
  park: (until: () => boolean, timeout?: Duration) => Promise<boolean>;
  /**
   * Read-your-writes: wraps an update handler so that it answers only once the main flow has
   * applied what follows from the change (the next level opened, the stage moved, the mirror
   * written) and is parked again waiting on a person or a timer. See docs/integrators.md.
   */
  answered: <A extends unknown[], R>(handler: (...args: A) => R | Promise<R>) => (...args: A) => R | Promise<R>;
}

/** The patch that made updates wait for their consequences (histories before it answered at once). */
export const READ_YOUR_WRITES_PATCH = 'read-your-writes';

export function createContext(input: TApplicationWorkflowInput): TWorkflowContext {
  // Business days count on the calendar snapshot the workflow was started with (its input);
  // workflows started before the company calendar existed keep counting UTC weekdays.
  const calendar = patched('company-calendar') ? input.policy.calendar : undefined;
  const state = initialState(input, addDuration(Date.parse(input.receivedAt), input.policy.timers.decisionPromise, calendar), calendar);
  const nowIso = () => new Date().toISOString();
  const log = (type: string, actor: TActor | 'system', detail?: TLogDetail) => appendLog(state, nowIso(), type, actor, detail);
  const messenger = createMessenger(state, (type, detail) => log(type, 'system', detail));
  const events = createEventPump(input.applicationId, (error) => log('event_delivery_failed', 'system', { error }));
  // The sequence number lets the database ignore a mirror write that arrives late, and keys
  // the change's row in stage_transitions (the timeline carries it for the backfill).
  let stageSeq = 0;
  // What wakes the main flow while it is parked; null while it works (activities, moves).
  let parked: (() => boolean) | null = null;

  const applyMove = (stage: TStage, actor: TActor | 'system', seq: number, at: string, detail?: TLogDetail): TStage => {
    const from = state.stage;
    state.stage = stage;
    appendLog(state, at, 'stage_changed', actor, { from, to: stage, ...detail, seq });
    upsertSearchAttributes([{ key: StageKey, value: stage }]);
    events.emit('application.stage_changed', { from, to: stage });
    return from;
  };

  return {
    input,
    state,
    messenger,
    events,
    candidate: { candidateName: input.candidate.name, jobTitle: input.policy.title },
    nowIso,
    log,
    moveTo: async (stage, actor = 'system', detail) => {
      // Once withdrawn, the main flow must not move the application anywhere else.
      if (state.withdrawal && stage !== 'withdrawn') return;
      const seq = ++stageSeq;
      const at = nowIso();
      const from = applyMove(stage, actor, seq, at, detail);
      await acts.recordStage({
        applicationId: input.applicationId,
        stage,
        seq,
        from,
        at,
        actor: actorRef(actor),
        decisionDueAt: new Date(state.decisionDueAt).toISOString(),
        // For the hiring-quality report: every resolution is in before the decision's stage change.
        discrepancies: state.discrepancies.map((d) => ({ id: d.id, rule: d.rule, severity: d.severity, resolution: d.resolution?.resolution ?? null })),
      });
    },
    movedByActivity: (stage, seq, at) => void applyMove(stage, 'system', seq, at),
    nextStageSeq: () => ++stageSeq,
    stopped: () => state.withdrawal !== null,
    signing: new Map(),
    park: (until, timeout) => {
      const wakes = () => {
        const woken = until();
        // Woken: from now on the flow is working, not parked. (After a timeout `parked` stays
        // until the next park: the flow then works on its timer, not on anyone's change.)
        if (woken && parked === wakes) parked = null;
        return woken;
      };
      parked = wakes;
      // Exactly the condition (and timer) the flow always waited with, returned as it is: no
      // new command and no extra microtask turn, so commands keep their order on replay.
      return condition(wakes, timeout);
    },
    answered:
      (handler) =>
      (...args) => {
        // Histories recorded before the patch answered as soon as the handler returned.
        if (!patched(READ_YOUR_WRITES_PATCH)) return handler(...args);
        return (async () => {
          const result = await handler(...args);
          // Settled: the flow is parked and nothing it waits for has happened.
          await condition(() => parked !== null && !parked());
          return result;
        })();
      },
  };
}
