/**
 * The whole workflow's context, shared by every phase: its state, the timeline, stage
 * moves (mirrored to the database with a sequence number, in the Stage search attribute
 * and as a webhook event), the messenger and the event pump.
 */
import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { TStage } from '../domain/contracts/application';
import { addDuration } from '../domain/durations';
import { createEventPump, type EventPump } from './events';
import type { TActor, TApplicationWorkflowInput } from './messages';
import { createMessenger, type Messenger } from './notify';
import { acts } from './proxies';
import { StageKey } from './search-attributes';
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
  /** A move an activity already wrote in its own transaction, with a number from `nextStageSeq`. */
  movedByActivity: (stage: TStage) => void;
  nextStageSeq: () => number;
  /** Whether the application was withdrawn: every phase stops. */
  stopped: () => boolean;
  /** Acceptances being signed, by version (not part of the queried state). */
  signing: Map<number, Promise<void>>;
}

export function createContext(input: TApplicationWorkflowInput): TWorkflowContext {
  // Business days count on the calendar snapshot the workflow was started with (its input);
  // workflows started before the company calendar existed keep counting UTC weekdays.
  const calendar = patched('company-calendar') ? input.policy.calendar : undefined;
  const state = initialState(input, addDuration(Date.parse(input.receivedAt), input.policy.timers.decisionPromise, calendar), calendar);
  const nowIso = () => new Date().toISOString();
  const log = (type: string, actor: TActor | 'system', detail?: TLogDetail) => appendLog(state, nowIso(), type, actor, detail);
  const messenger = createMessenger(state, (type, detail) => log(type, 'system', detail));
  const events = createEventPump(input.applicationId, (error) => log('event_delivery_failed', 'system', { error }));
  // The sequence number lets the database ignore a mirror write that arrives late.
  let stageSeq = 0;

  const applyMove = (stage: TStage, actor: TActor | 'system', detail?: TLogDetail) => {
    const from = state.stage;
    state.stage = stage;
    log('stage_changed', actor, { from, to: stage, ...detail });
    upsertSearchAttributes([{ key: StageKey, value: stage }]);
    events.emit('application.stage_changed', { from, to: stage });
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
      applyMove(stage, actor, detail);
      stageSeq += 1;
      await acts.recordStage({ applicationId: input.applicationId, stage, seq: stageSeq });
    },
    movedByActivity: (stage) => applyMove(stage, 'system'),
    nextStageSeq: () => ++stageSeq,
    stopped: () => state.withdrawal !== null,
    signing: new Map(),
  };
}
