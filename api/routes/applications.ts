/**
 * Applications: submitted by integrators or HR, each runs as workflow `application-<id>`.
 * Lists read the database mirror; a single application's status is the workflow's query.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZCreateApplicationSchema, ZStageSchema, type TCreateApplication } from '../../domain/contracts/application';
import { RESOLUTIONS } from '../../domain/discrepancies';
import { perDb } from '../../db/per-db';
import { applications, matchReports } from '../../db/schema';
import {
  decideUpdate,
  resolveDiscrepancyUpdate,
  submitEvaluationUpdate,
  withdrawUpdate,
} from '../../workflows/messages';
import { RATINGS } from '../../domain/composite';
import type { TRole } from '../../domain/contracts/common';
import { listMessages } from '../../db/queries/messages';
import { isAssignedTo } from '../../db/queries/assignments';
import { actorOf, applicationScope, assertCanSeeDepartment, authenticate, authenticateCheckedInWrite, confirmDeferredKey, keyConfirmedInWrite, principalOf, requireRoles } from '../auth';
import { redactStatusFor } from '../status-redaction';
import { AppError, errorHandler, notFound, toAppError, zodDetails, ERROR_RESPONSES, ZErrorResponseSchema } from '../errors';
import { canonicalJson, sha256 } from '../plugins/idempotency';
import { decodeCursor, encodeCursor, isoMicros, updatedSinceKeyset, ZLimitSchema, ZUpdatedSinceSchema } from '../pagination';
import { queryStatus, runUpdate } from '../workflow-client';
import { KeyNotHeldError, submitApplications, type TSubmitKeyCheck } from '../submissions';
import { ZApplicationSchema, ZDecisionResultSchema, ZDiscrepancyStateSchema, ZEvaluationSchema, ZNextCursorSchema, ZStageResultSchema, ZTimestampSchema, zOpen } from '../response-schemas';

const ZParamsSchema = z.object({ id: z.uuid() });

const ZCreatedSchema = z.object({ id: z.string(), workflowId: z.string(), stage: ZStageSchema });

export const BATCH_MAX_ITEMS = 500;
/** 500 full applications (resume, interview) are far above BODY_LIMIT_BYTES. */
export const BATCH_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

const ZBatchSchema = z.object({
  items: z
    .array(z.record(z.string(), z.unknown()).describe('A POST /v1/applications body, with externalId'))
    .min(1)
    .max(BATCH_MAX_ITEMS),
});
const ZBatchItemSchema = ZCreateApplicationSchema.extend({
  externalId: z.string().trim().min(1).max(200).describe('Required in a batch: what makes a repeat harmless'),
});

export const ZBatchItemResultSchema = z.object({
  index: z.number().int(),
  status: z.enum(['created', 'existing', 'conflict', 'invalid', 'unavailable']),
  id: z.string().optional(),
  workflowId: z.string().optional(),
  stage: ZStageSchema.optional(),
  error: ZErrorResponseSchema.shape.error.omit({ requestId: true }).optional(),
});
type TBatchItemResult = z.infer<typeof ZBatchItemResultSchema>;
export const ZBatchResultSchema = z.object({ results: z.array(ZBatchItemResultSchema) });

/** An item's refusal as its result; anything unexpected is rethrown (the batch answers 500, its created items stay). */
function batchFailure(index: number, e: unknown): TBatchItemResult {
  const err = toAppError(e);
  if (!err || err.code === 'internal') throw e;
  const error = { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  if (err.code === 'unavailable') return { index, status: 'unavailable', error };
  if (err.code === 'conflict' || err.code === 'job_closed') return { index, status: 'conflict', error };
  if (err.code === 'not_found') return { index, status: 'invalid', error: { code: 'validation_failed', message: err.message, details: [{ path: 'jobId', message: err.message }] } };
  return { index, status: 'invalid', error };
}

type ApplicationRow = typeof applications.$inferSelect;

/**
 * The row if the caller may see it: their department scope, or they are named on it (an
 * approver, the new hire's mentor, IT during onboarding: db/queries/assignments.ts). 404
 * otherwise, also for another department's.
 */
async function visibleTo<R extends { id: string; departmentId: string }>(app: FastifyInstance, req: FastifyRequest, row: R | undefined): Promise<R> {
  if (!row) throw notFound('application');
  const p = principalOf(req);
  try {
    assertCanSeeDepartment(p, row.departmentId);
  } catch (e) {
    if (!(await isAssignedTo(app.db.db, p, row.id))) throw e;
  }
  return row;
}

/** The application if the caller may see it; 404 otherwise (also for another department's). */
export async function loadVisibleApplication(app: FastifyInstance, req: FastifyRequest, id: string): Promise<ApplicationRow> {
  const [row] = await app.db.db.select().from(applications).where(eq(applications.id, id));
  return visibleTo(app, req, row);
}

/** Who may see an application: for routes that need nothing else of its row (Updates, messages). */
const refById = perDb((db) =>
  db
    .select({ id: applications.id, departmentId: applications.departmentId })
    .from(applications)
    .where(eq(applications.id, sql.placeholder('id')))
    .prepare('application_ref'),
);

/** The application's id if the caller may see it; 404 otherwise. Reads two columns, not the row. */
async function visibleApplicationId(app: FastifyInstance, req: FastifyRequest, id: string): Promise<string> {
  const [row] = await refById(app.db.db).execute({ id });
  return (await visibleTo(app, req, row)).id;
}

/** What GET /v1/applications/:id shows besides the workflow's status: no resume, no answers. */
const statusRowById = perDb((db) =>
  db
    .select({
      id: applications.id,
      externalId: applications.externalId,
      workflowId: applications.workflowId,
      departmentId: applications.departmentId,
      candidateName: applications.candidateName,
      candidateEmail: applications.candidateEmail,
      candidatePhone: applications.candidatePhone,
      locale: applications.locale,
      accuracy: applications.accuracy,
      createdAt: applications.createdAt,
      stage: applications.stage,
      erasedAt: applications.erasedAt,
      completedAt: sql<string>`${applications.interview}->>'completedAt'`,
      recordingUrl: sql<string>`${applications.interview}->>'recordingUrl'`,
    })
    .from(applications)
    .where(eq(applications.id, sql.placeholder('id')))
    .prepare('application_status_row'),
);

/**
 * The error handler of POST /v1/applications: an answer that is not the checked statement's
 * looks a deferred key up first (api/auth.ts, confirmDeferredKey), so a key that no longer
 * holds gets the 401 (or 403) it would have had, not a 400, 404 or 409.
 */
function answerSubmissionError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  void confirmDeferredKey(req, reply)
    .then(
      // The key holds again (a role given back meanwhile): the write did not happen.
      () => (err instanceof KeyNotHeldError ? new AppError('unavailable', 'the API key changed during the request; send it again') : err),
      (refusal: unknown) => refusal,
    )
    .then((answer) => errorHandler(answer as FastifyError, req, reply))
    .catch((e: unknown) => reply.send(e));
}

/** Who may submit applications, one or a batch. */
const SUBMITTERS: TRole[] = ['admin', 'hr', 'integrator'];

export default async function applicationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  app.post(
    '/v1/applications',
    {
      // The start path (bench line 1): a key this replica saw in the last minute is checked by
      // the submission's own statement instead of a lookup of its own (api/auth.ts).
      onRequest: authenticateCheckedInWrite(...SUBMITTERS),
      // An answer that is not the checked statement's looks the key up first: a key that no
      // longer holds gets the 401 (or 403) it would have had, not a 400 or a 404.
      errorHandler: answerSubmissionError,
      schema: { operationId: 'submitApplication',
        tags: ['applications'],
        summary: 'Submit an application (resume + AI interview) and start its workflow',
        description:
          'Idempotent by externalId: the same body again answers 200 with the same ids; another body with the same externalId is a 409.',
        body: ZCreateApplicationSchema,
        response: { 200: ZCreatedSchema, 202: ZCreatedSchema, ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const deferred = req.deferredKey;
      const keyCheck: TSubmitKeyCheck | undefined = deferred ? { keyId: deferred.keyId, roles: deferred.roles } : undefined;
      const [outcome] = await submitApplications(app, [req.body], req.log, keyCheck);
      if ('error' in outcome!) throw outcome.error;
      // An answer without the checked statement (a repeat of a submission to a job closed since) looks the key up.
      if (keyCheck?.checked?.userName) keyConfirmedInWrite(req, keyCheck.checked.userName);
      else await confirmDeferredKey(req, reply);
      return reply.status(outcome!.ok.status).send(outcome!.ok.created);
    },
  );

  app.post(
    '/v1/applications/batch',
    {
      onRequest: [authenticate, requireRoles(...SUBMITTERS)],
      bodyLimit: BATCH_BODY_LIMIT_BYTES,
      schema: {
        tags: ['applications'],
        operationId: 'submitApplicationBatch',
        summary: `Submit up to ${BATCH_MAX_ITEMS} applications at once, each answered on its own`,
        description: `Each item is a \`POST /v1/applications\` body and must carry an \`externalId\`: the batch is idempotent per externalId, so a batch sent again (whole or in part) creates nothing twice. 200 with one result per item, in order: \`created\` (its workflow started), \`existing\` (the same body came before: the same ids), \`conflict\` (another body came before under that externalId, also earlier in this batch), \`invalid\` (\`error.details\` name each bad field, an unknown job included), \`unavailable\` (Temporal or the database did not answer: send that item again). The request is refused as a whole (400) only when it is not a list of 1 to ${BATCH_MAX_ITEMS} objects. Body limit ${BATCH_BODY_LIMIT_BYTES / 1024 / 1024} MiB.`,
        body: ZBatchSchema,
        response: { 200: ZBatchResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const items = req.body.items;
      const results = new Array<TBatchItemResult>(items.length);
      // The first item of each externalId is submitted; a later one answers from it.
      const firstOf = new Map<string, { index: number; hash: string }>();
      const toSubmit: { index: number; body: TCreateApplication }[] = [];
      const repeats: { index: number; of: number; same: boolean }[] = [];
      items.forEach((raw, index) => {
        const parsed = ZBatchItemSchema.safeParse(raw);
        if (!parsed.success) {
          results[index] = { index, status: 'invalid', error: { code: 'validation_failed', message: 'the item is not valid', details: zodDetails(parsed.error) } };
          return;
        }
        const body = parsed.data;
        const hash = sha256(canonicalJson(body));
        const first = firstOf.get(body.externalId);
        if (first) repeats.push({ index, of: first.index, same: first.hash === hash });
        else {
          firstOf.set(body.externalId, { index, hash });
          toSubmit.push({ index, body });
        }
      });
      const outcomes = await submitApplications(app, toSubmit.map((x) => x.body), req.log);
      outcomes.forEach((o, k) => {
        const { index } = toSubmit[k]!;
        results[index] = 'error' in o ? batchFailure(index, o.error) : { index, status: o.ok.status === 202 ? 'created' : 'existing', ...o.ok.created };
      });
      for (const r of repeats) {
        const first = results[r.of]!;
        results[r.index] =
          first.id === undefined
            ? { ...first, index: r.index }
            : r.same
              ? { index: r.index, status: 'existing', id: first.id, workflowId: first.workflowId, stage: first.stage }
              : { index: r.index, status: 'conflict', id: first.id, error: { code: 'conflict', message: `externalId was already used in this batch (item ${r.of}) for a different application` } };
      }
      return { results };
    },
  );

  const ZListCursorSchema = z.object({ t: z.iso.datetime(), id: z.uuid() });
  app.get(
    '/v1/applications',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr', 'integrator', 'hiring_manager')],
      schema: { operationId: 'listApplications', response: { 200: z.object({ items: z.array(zOpen({ id: z.string(), externalId: z.string().nullable(), jobId: z.string(), departmentId: z.string(), candidateName: z.string().nullable(), stage: z.string(), matchScore: z.number().nullable(), compositeScore: z.number().nullable(), createdAt: ZTimestampSchema, updatedAt: ZTimestampSchema })), nextCursor: ZNextCursorSchema }) },
        tags: ['applications'],
        summary: 'List applications, newest first (or, with updatedSince, oldest change first)',
        description:
          "A hiring manager sees only their own department's applications. With `updatedSince`, the list is a sync feed: the applications changed since then, by (updatedAt, id) ascending; page with nextCursor, and to poll ask again from the last updatedAt minus a few seconds and drop ids already seen.",
        querystring: z.object({
          jobId: z.uuid().optional(),
          stage: ZStageSchema.optional(),
          departmentId: z.uuid().optional(),
          updatedSince: ZUpdatedSinceSchema,
          limit: ZLimitSchema,
          cursor: z.string().max(500).optional(),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const scope = applicationScope(principalOf(req));
      const a = applications;
      const sync = q.updatedSince !== undefined ? updatedSinceKeyset(a.updatedAt, a.id, q.updatedSince, q.cursor) : undefined;
      const cursor = sync ? undefined : decodeCursor(q.cursor, ZListCursorSchema);
      const conds: (SQL | undefined)[] = [
        q.jobId ? eq(a.jobId, q.jobId) : undefined,
        q.stage ? eq(a.stage, q.stage) : undefined,
        q.departmentId ? eq(a.departmentId, q.departmentId) : undefined,
        scope.all ? undefined : eq(a.departmentId, scope.departmentId ?? '00000000-0000-0000-0000-000000000000'),
        cursor ? sql`(${a.createdAt}, ${a.id}) < (${cursor.t}::timestamptz, ${cursor.id}::uuid)` : undefined,
        sync?.where,
      ];
      const query = db
        .select({
          id: a.id,
          externalId: a.externalId,
          jobId: a.jobId,
          departmentId: a.departmentId,
          candidateName: a.candidateName,
          stage: a.stage,
          matchScore: a.matchScore,
          compositeScore: a.compositeScore,
          createdAt: a.createdAt,
          updatedAt: a.updatedAt,
          updatedKey: isoMicros(a.updatedAt),
          // The cursor keeps PostgreSQL's microseconds: a batch creates many rows within one
          // millisecond, and a cursor cut to milliseconds skipped some of them between pages.
          createdKey: isoMicros(a.createdAt),
        })
        .from(a)
        .where(and(...conds))
        .$dynamic();
      const rows = await (sync
        ? query.orderBy(...sync.orderBy)
        : // The list indexes are (…, created_at DESC NULLS LAST, id DESC NULLS LAST): order exactly so.
          query.orderBy(sql`${a.createdAt} desc nulls last`, sql`${a.id} desc nulls last`)
      ).limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const more = rows.length > q.limit;
      return {
        items: page.map(({ updatedKey: _u, createdKey: _c, ...r }) => r),
        nextCursor: !more || !last ? null : sync ? sync.next(last) : encodeCursor({ t: last.createdKey, id: last.id }),
      };
    },
  );

  app.get(
    '/v1/applications/:id',
    {
      onRequest: [authenticate],
      schema: { operationId: 'getApplication', response: { 200: ZApplicationSchema },
        tags: ['applications'],
        summary: "The application's full status, from its workflow",
        description:
          "Salary (each offer version's `offer.salary`), signature evidence (`response.signature.ip`, `.userAgent`) and evaluators' comments are shown to HR, admins and the current offer's approvers only; for anyone else they are null and `redacted` lists them. A scoped API key without `offers:read` gets no salary or signature evidence.",
        params: ZParamsSchema,
      },
    },
    async (req) => {
      // The row and the workflow's status at once (one latency instead of two); the status is
      // used only once the row says the caller may see it, else 404 whatever the query did.
      const statusQuery = queryStatus(app, req.params.id);
      statusQuery.catch(() => {});
      const [found] = await statusRowById(db).execute({ id: req.params.id });
      const row = await visibleTo(app, req, found);
      // Erased: its workflow is gone; what is left is the fact and the date (api/erasure.ts).
      if (row.stage === 'erased') return { id: row.id, workflowId: row.workflowId, stage: 'erased' as const, erasedAt: row.erasedAt, createdAt: row.createdAt, candidate: null };
      // Salary, signature evidence and evaluators' comments only for those entitled (api/status-redaction.ts).
      const status = redactStatusFor(principalOf(req), await statusQuery);
      const now = Date.now();
      return {
        id: row.id,
        externalId: row.externalId,
        workflowId: row.workflowId,
        candidate: { name: row.candidateName, email: row.candidateEmail, phone: row.candidatePhone, locale: row.locale },
        interview: { completedAt: row.completedAt, accuracy: row.accuracy, recordingUrl: row.recordingUrl },
        createdAt: row.createdAt,
        ...status,
        // The workflow knows time only as of its last step; judge "overdue" by the clock now.
        pendingActions: status.pendingActions.map((a) => ({ ...a, overdue: a.dueAt !== null && Date.parse(a.dueAt) < now })),
      };
    },
  );

  app.get(
    '/v1/applications/:id/report',
    {
      onRequest: [authenticate],
      schema: { operationId: 'getApplicationReport', response: { 200: zOpen({ applicationId: z.string(), jobId: z.string(), candidateName: z.string().nullable(), stage: ZStageSchema, generatedAt: ZTimestampSchema }), 409: ZErrorResponseSchema }, tags: ['applications'], summary: 'The match report', params: ZParamsSchema },
    },
    async (req) => {
      const row = await loadVisibleApplication(app, req, req.params.id);
      if (row.stage === 'erased') throw new AppError('wrong_stage', 'the application was erased: no report is kept');
      const [report] = await db.select().from(matchReports).where(eq(matchReports.applicationId, row.id));
      if (!report) throw new AppError('wrong_stage', `no match report yet: the application is in ${row.stage}`);
      const status = await queryStatus(app, row.id);
      return {
        applicationId: row.id,
        jobId: row.jobId,
        candidateName: row.candidateName,
        stage: status.stage,
        recordingUrl: row.interview.recordingUrl,
        ...(report.report as object),
        scores: status.scores,
        composite: status.composite,
        discrepancies: status.discrepancies,
        generatedAt: report.createdAt,
      };
    },
  );

  app.post(
    '/v1/applications/:id/discrepancies/:discrepancyId/resolution',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: { operationId: 'resolveDiscrepancy', response: { 200: ZDiscrepancyStateSchema },
        tags: ['applications'],
        summary: 'Resolve a discrepancy (confirmed, dismissed, or retest requested)',
        params: z.object({ id: z.uuid(), discrepancyId: z.string().min(1).max(200) }),
        body: z.object({ resolution: z.enum(RESOLUTIONS), note: z.string().trim().max(2000).optional() }),
      },
    },
    async (req) => {
      const id = await visibleApplicationId(app, req, req.params.id);
      return runUpdate(app, req, id, resolveDiscrepancyUpdate, {
        discrepancyId: req.params.discrepancyId,
        resolution: req.body.resolution,
        note: req.body.note,
        actor: actorOf(principalOf(req)),
      });
    },
  );

  app.post(
    '/v1/applications/:id/withdraw',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr', 'integrator')],
      schema: { operationId: 'withdrawApplication', response: { 200: ZStageResultSchema },
        tags: ['applications'],
        summary: 'Withdraw or cancel an application at any stage before it ends',
        params: ZParamsSchema,
        body: z.object({ reason: z.string().trim().min(1).max(2000) }),
      },
    },
    async (req) => {
      const id = await visibleApplicationId(app, req, req.params.id);
      return runUpdate(app, req, id, withdrawUpdate, { reason: req.body.reason, actor: actorOf(principalOf(req)) });
    },
  );

  app.post(
    '/v1/applications/:id/evaluations',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr', 'hiring_manager')],
      schema: { operationId: 'submitEvaluation', response: { 200: ZEvaluationSchema },
        tags: ['evaluation'],
        summary: "Submit or revise the caller's evaluation",
        description:
          'Every competency of the job must be rated. Each evaluator has one current evaluation, revisable until the decision; earlier revisions stay in the timeline.',
        params: ZParamsSchema,
        body: z.object({
          ratings: z.record(z.string().min(1).max(63), z.enum(RATINGS)),
          comment: z.string().trim().max(5000).optional(),
          recommendation: z.enum(['advance', 'reject']).optional(),
        }),
      },
    },
    async (req) => {
      const id = await visibleApplicationId(app, req, req.params.id);
      return runUpdate(app, req, id, submitEvaluationUpdate, { ...req.body, actor: actorOf(principalOf(req)) });
    },
  );

  app.post(
    '/v1/applications/:id/decision',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: { operationId: 'decideApplication', response: { 200: ZDecisionResultSchema },
        tags: ['evaluation'],
        summary: 'Record the hiring decision: advance to an offer, or reject with feedback',
        description: 'Needs an HR evaluation and a hiring-manager evaluation unless the job says otherwise (409 names what is missing).',
        params: ZParamsSchema,
        body: z.object({ decision: z.enum(['advance', 'reject']), reason: z.string().trim().max(2000).optional() }),
      },
    },
    async (req) => {
      const id = await visibleApplicationId(app, req, req.params.id);
      return runUpdate(app, req, id, decideUpdate, { ...req.body, actor: actorOf(principalOf(req)) });
    },
  );

  app.get(
    '/v1/applications/:id/messages',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: { operationId: 'listApplicationMessages', response: { 200: z.object({ items: z.array(zOpen({ id: z.string(), channel: z.string(), template: z.string(), status: z.string(), createdAt: z.string() })) }) },
        tags: ['applications'],
        summary: 'Every e-mail and SMS of the application, with delivery and open status',
        description: 'Bodies carry signed candidate links, so they are included only with includeBodies=true.',
        params: ZParamsSchema,
        querystring: z.object({ includeBodies: z.enum(['true', 'false']).default('false') }),
      },
    },
    async (req) => {
      const id = await visibleApplicationId(app, req, req.params.id);
      return { items: await listMessages(app.db, id, { includeBodies: req.query.includeBodies === 'true' }) };
    },
  );
}
