/**
 * Submitting applications, one (POST /v1/applications) or up to 500 (the batch): the rows
 * and their interview answers, then one workflow per row. A batch pays per item only its
 * workflow start: its jobs and settings are read once, every row is written in one
 * prepared statement with its answers and the payload key of its workflow (otherwise each
 * start's codec makes its own: two round trips), and the starts run BATCH_CONCURRENCY at
 * a time. The profile of a 500-item batch before this had a database round trip per item
 * for the row, two for its key, and the start.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ZStageSchema, type TCreateApplication, type TStage } from '../domain/contracts/application';
import { resolveJobPolicy } from '../domain/policy';
import { normalizeSkill } from '../domain/skills';
import { getSettingsCached } from '../db/settings';
import {
  applicationsByExternalId,
  deleteApplications,
  insertApplications,
  type TKeyCheck,
  type TNewAnswer,
  type TNewApplication,
  type TPriorApplication,
} from '../db/queries/submissions';
import { dataKeysFor } from '../privacy/data-converter';
import { calendarSnapshot } from '../shared/calendar';
import { applicationWorkflow } from '../workflows/application';
import type { TApplicationWorkflowInput } from '../workflows/messages';
import { DepartmentIdKey, JobIdKey, StageKey } from '../workflows/search-attributes';
import { AppError, isUnavailable } from './errors';
import { jobForSubmission } from './job-cache';
import { canonicalJson, sha256 } from './plugins/idempotency';
import { applicationHandle, withTemporalDeadline, workflowIdFor } from './workflow-client';

/** Workflow starts in flight at once for one batch (the bench's starts phase peaks near c=32). */
export const BATCH_CONCURRENCY = 32;

export interface TCreated {
  id: string;
  workflowId: string;
  stage: TStage;
}
/** 202 created now, 200 the same body came before under its externalId. */
export type TSubmitted = { status: 200 | 202; created: TCreated };
/** Each submission's result, or the error that refused it (an AppError, or what toAppError maps). */
export type TSubmitOutcome = { ok: TSubmitted } | { error: unknown };

type Job = Awaited<ReturnType<typeof jobForSubmission>>;

const repeatOf = (prior: TPriorApplication): TSubmitOutcome => ({
  ok: {
    status: 200,
    created: { id: prior.id, workflowId: prior.workflowId, stage: ZStageSchema.parse(prior.stage) },
  },
});

function answersFor(applicationId: string, jobId: string, body: TCreateApplication): TNewAnswer[] {
  const claims = new Map(body.resume.skills.map((s) => [normalizeSkill(s.name), s.level]));
  return body.interview.questions.map((q) => ({
    applicationId,
    jobId,
    questionId: q.id,
    skill: q.skill,
    correct: q.correct,
    claimedLevel: claims.get(normalizeSkill(q.skill)) ?? null,
  }));
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * A cached API key for the submission's statement to check (api/auth.ts,
 * authenticateCheckedInWrite). `userName` is set when the statement ran: the key's user's
 * current name, or null when the key no longer held and nothing was inserted.
 */
export interface TSubmitKeyCheck extends TKeyCheck {
  checked?: { userName: string | null };
}

/** The outcome of every submission whose statement found its cached key no longer held. */
export class KeyNotHeldError extends Error {
  constructor() {
    super('the API key no longer holds');
  }
}

/**
 * Submits `bodies` (their externalIds, where given, distinct) and answers one outcome per
 * body, in order. Nothing is left half-done: a row whose workflow did not start is removed.
 */
export async function submitApplications(
  app: FastifyInstance,
  bodies: TCreateApplication[],
  log: FastifyBaseLogger,
  keyCheck?: TSubmitKeyCheck,
): Promise<TSubmitOutcome[]> {
  const out = new Array<TSubmitOutcome>(bodies.length);
  const handle = app.db;
  const jobIds = [...new Set(bodies.map((b) => b.jobId))];
  let settings: Awaited<ReturnType<typeof getSettingsCached>>;
  let jobs: Map<string, Job | { error: unknown }>;
  try {
    [settings, jobs] = await Promise.all([
      getSettingsCached(handle.db),
      Promise.all(
        jobIds.map(
          async (id) => [id, await jobForSubmission(app, id).catch((error: unknown) => ({ error }))] as const,
        ),
      ).then((xs) => new Map(xs)),
    ]);
  } catch (error) {
    return bodies.map(() => ({ error }));
  }

  const hashes = bodies.map((b) => sha256(canonicalJson(b)));
  const closed: number[] = [];
  const rows: (TNewApplication & { index: number; job: Job })[] = [];
  bodies.forEach((body, index) => {
    const found = jobs.get(body.jobId)!;
    if ('error' in found) {
      out[index] = { error: found.error };
      return;
    }
    const { job } = found;
    if (job.status === 'closed') {
      closed.push(index);
      return;
    }
    const id = randomUUID();
    rows.push({
      index,
      job: found,
      id,
      workflowId: workflowIdFor(id),
      jobId: job.id,
      departmentId: job.departmentId,
      externalId: body.externalId ?? null,
      requestHash: hashes[index]!,
      candidateName: body.candidate.name,
      candidateEmail: body.candidate.email,
      candidatePhone: body.candidate.phone ?? null,
      locale: body.candidate.locale ?? settings.defaults.locale,
      resume: body.resume,
      interview: body.interview,
      accuracy: body.interview.accuracy,
    });
  });

  // A repeat of a submission accepted before its job closed still answers as a repeat.
  if (closed.length) {
    try {
      const prior = await applicationsByExternalId(
        handle,
        closed.flatMap((i) => bodies[i]!.externalId ?? []),
      );
      for (const index of closed) {
        const p = bodies[index]!.externalId ? prior.get(bodies[index]!.externalId) : undefined;
        const { job } = jobs.get(bodies[index]!.jobId) as Job;
        out[index] =
          p && p.requestHash === hashes[index]
            ? repeatOf(p)
            : {
                error: new AppError(
                  'job_closed',
                  `the job "${job.title}" is closed and takes no new applications`,
                ),
              };
      }
    } catch (error) {
      for (const index of closed) out[index] = { error };
    }
  }
  if (!rows.length) return out;

  // The payload data keys of the new workflows go in with their rows (one statement), and
  // into the codec's cache, so the starts encode without a round trip of their own.
  const ring = app.config.payloadKeys;
  const keys = ring ? dataKeysFor(handle, ring).newKeys(rows.map((r) => r.id)) : undefined;
  let inserted: Map<string, Date>;
  try {
    const written = await insertApplications(
      handle,
      rows.map(({ index: _i, job: _j, ...row }) => row),
      rows.flatMap((r) => answersFor(r.id, r.jobId, bodies[r.index]!)),
      keys?.rows,
      keyCheck,
    );
    inserted = written.inserted;
    if (keyCheck) keyCheck.checked = { userName: written.keyUser ?? null };
    keys?.stored(inserted.keys());
  } catch (error) {
    for (const r of rows) out[r.index] = { error };
    return out;
  }
  if (keyCheck?.checked?.userName === null) {
    for (const r of rows) out[r.index] = { error: new KeyNotHeldError() };
    return out;
  }

  // Rows not inserted: their externalId came before (or is being submitted right now).
  const skipped = rows.filter((r) => !inserted.has(r.id));
  if (skipped.length) {
    try {
      const prior = await applicationsByExternalId(
        handle,
        skipped.map((r) => r.externalId!),
      );
      for (const r of skipped) {
        const p = prior.get(r.externalId!);
        out[r.index] = !p
          ? {
              error: new AppError(
                'conflict',
                `externalId ${r.externalId} is being submitted concurrently; retry`,
              ),
            }
          : p.requestHash !== r.requestHash
            ? {
                error: new AppError(
                  'conflict',
                  `externalId ${r.externalId} was already used for a different application`,
                ),
              }
            : repeatOf(p);
      }
    } catch (error) {
      for (const r of skipped) out[r.index] = { error };
    }
  }

  const created = rows.filter((r) => inserted.has(r.id));
  const failed: string[] = [];
  await forEachLimited(created, BATCH_CONCURRENCY, async (r) => {
    const receivedAt = inserted.get(r.id)!;
    const input: TApplicationWorkflowInput = {
      applicationId: r.id,
      jobId: r.jobId,
      departmentId: r.departmentId,
      receivedAt: receivedAt.toISOString(),
      candidate: { name: r.candidateName, locale: r.locale === 'zh-CN' ? 'zh-CN' : 'en' },
      policy: resolveJobPolicy(
        r.job.job.definition,
        settings.defaults,
        { defaultCourses: r.job.defaultCourses },
        calendarSnapshot(settings.defaults, receivedAt.getTime()),
      ),
    };
    try {
      await startWorkflow(app, input);
      out[r.index] = {
        ok: { status: 202, created: { id: r.id, workflowId: r.workflowId, stage: 'received' } },
      };
    } catch (error) {
      // Without its workflow the row would be an orphan. A start that timed out may have
      // reached Temporal all the same: end that workflow first (best effort; it cannot have
      // sent anything, the row is what it reads).
      if (isUnavailable(error)) {
        await withTemporalDeadline(app, () =>
          applicationHandle(app, r.id).terminate('the submission failed: the API answered 503'),
        ).catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError))
            log.warn({ err, workflowId: r.workflowId }, 'could not end a workflow whose start timed out');
        });
      }
      failed.push(r.id);
      out[r.index] = { error };
    }
  });
  if (failed.length) {
    await deleteApplications(handle, failed).catch((err: unknown) =>
      log.error(
        { err, applications: failed.length },
        'could not remove applications whose workflow did not start',
      ),
    );
  }
  return out;
}

/** How an application's workflow is started (the bench's raw-client reference uses the same). */
export function applicationStartOptions(input: TApplicationWorkflowInput, taskQueue: string) {
  return {
    workflowId: workflowIdFor(input.applicationId),
    taskQueue,
    args: [input] as [TApplicationWorkflowInput],
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    typedSearchAttributes: [
      { key: StageKey, value: 'received' },
      { key: JobIdKey, value: input.jobId },
      { key: DepartmentIdKey, value: input.departmentId },
    ],
  };
}

async function startWorkflow(app: FastifyInstance, input: TApplicationWorkflowInput) {
  await withTemporalDeadline(app, () =>
    app.temporal.workflow.start(
      applicationWorkflow,
      applicationStartOptions(input, app.config.TEMPORAL_TASK_QUEUE),
    ),
  );
}
