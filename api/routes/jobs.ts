/** Jobs with their competency models, the ranked priority list and question calibration. */
import { and, asc, desc, eq, notInArray, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZCreateJobSchema } from '../../domain/contracts/job';
import { questionStats, MIN_CLAIMERS, MIN_EXCESS, MIN_FAIL_RATE } from '../../domain/question-stats';
import type { Db } from '../../db/client';
import { applications, departments, jobs, jobVersions } from '../../db/schema';
import { assertCanSeeDepartment, authenticate, principalOf, requireRoles } from '../auth';
import { notFound, validationFailed, ERROR_RESPONSES, type TErrorDetail } from '../errors';
import { jobReferenceProblems } from '../job-references';
import { decodeCursor, encodeCursor, ZLimitSchema } from '../pagination';
import { ZNextCursorSchema, ZTimestampSchema, zOpen } from '../response-schemas';

const ZJobParamsSchema = z.object({ id: z.uuid() });


export async function loadJob(app: FastifyInstance, id: string) {
  const [job] = await app.db.db.select().from(jobs).where(eq(jobs.id, id));
  if (!job) throw notFound('job');
  return job;
}

/** Jobs are visible to all staff, but their candidates only to those who may see the department. */
async function loadJobForCandidates(app: FastifyInstance, req: FastifyRequest, id: string) {
  const job = await loadJob(app, id);
  assertCanSeeDepartment(principalOf(req), job.departmentId, 'job');
  return job;
}

/**
 * One page of a job's ranking, best first (also what `npm run bench` times and explains).
 * Ordered exactly as applications_ranking_idx — NULLS LAST: with another null order the
 * planner sorts instead — and paged with a row comparison, which is an index condition where
 * the equivalent OR is not.
 */
export function rankingPage(db: Db, q: { jobId: string; includeClosed: boolean; after: { s: number; id: string } | undefined; limit: number }) {
  const a = applications;
  return db
    .select({
      id: a.id,
      candidateName: a.candidateName,
      stage: a.stage,
      matchScore: a.matchScore,
      aiScore: a.aiScore,
      humanScore: a.humanScore,
      compositeScore: a.compositeScore,
      rankScore: a.rankScore,
      createdAt: a.createdAt,
    })
    .from(a)
    .where(
      and(
        eq(a.jobId, q.jobId),
        sql`${a.rankScore} is not null`,
        q.includeClosed ? undefined : notInArray(a.stage, ['withdrawn', 'rejected']),
        q.after ? sql`(${a.rankScore}, ${a.id}) < (${q.after.s}::numeric, ${q.after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(sql`${a.rankScore} desc nulls last`, sql`${a.id} desc nulls last`)
    .limit(q.limit);
}

export default async function jobRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  app.post(
    '/v1/jobs',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: { operationId: 'createJob',
        tags: ['jobs'],
        summary: 'Create a job with its competency model',
        body: ZCreateJobSchema,
        response: { 201: z.object({ id: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const job = req.body;
      const details: TErrorDetail[] = [];
      const [dept] = await db.select({ id: departments.id }).from(departments).where(eq(departments.id, job.departmentId));
      if (!dept) details.push({ path: 'body.departmentId', message: 'no such department' });
      details.push(...(await jobReferenceProblems(db, job)));
      if (details.length) throw validationFailed(details);
      const p = principalOf(req);
      const id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(jobs)
          .values({ title: job.title, departmentId: job.departmentId, definition: job })
          .returning({ id: jobs.id });
        await tx.insert(jobVersions).values({ jobId: row!.id, version: 1, definition: job, changed: [], changedBy: p.userId, changedByName: p.name });
        return row!.id;
      });
      return reply.status(201).send({ id });
    },
  );

  app.get(
    '/v1/jobs',
    {
      onRequest: [authenticate],
      schema: { operationId: 'listJobs', response: { 200: z.object({ items: z.array(z.object({ id: z.string(), title: z.string(), departmentId: z.string(), status: z.string(), version: z.number().int(), createdAt: ZTimestampSchema })) }) },
        tags: ['jobs'],
        summary: 'List jobs',
        querystring: z.object({ departmentId: z.uuid().optional() }),
      },
    },
    async (req) => {
      const rows = await db
        .select({ id: jobs.id, title: jobs.title, departmentId: jobs.departmentId, status: jobs.status, version: jobs.version, createdAt: jobs.createdAt })
        .from(jobs)
        .where(req.query.departmentId ? eq(jobs.departmentId, req.query.departmentId) : undefined)
        .orderBy(desc(jobs.createdAt));
      return { items: rows };
    },
  );

  app.get(
    '/v1/jobs/:id',
    {
      onRequest: [authenticate],
      schema: { operationId: 'getJob', response: { 200: zOpen({ id: z.string(), createdAt: ZTimestampSchema, title: z.string(), departmentId: z.string(), status: z.string(), version: z.number().int(), versions: z.array(zOpen({ version: z.number().int(), changedBy: z.string().nullable(), createdAt: ZTimestampSchema })) }) },
        tags: ['jobs'],
        summary: 'A job and its competency model',
        description:
          '`version` is the definition in force for applications submitted now; `versions` lists every definition with what changed and who changed it. An application keeps the definition in force when it was submitted.',
        params: ZJobParamsSchema,
      },
    },
    async (req) => {
      const job = await loadJob(app, req.params.id);
      const versions = await db
        .select({
          version: jobVersions.version,
          changed: jobVersions.changed,
          changedBy: jobVersions.changedBy,
          changedByName: jobVersions.changedByName,
          createdAt: jobVersions.createdAt,
        })
        .from(jobVersions)
        .where(eq(jobVersions.jobId, job.id))
        .orderBy(asc(jobVersions.version));
      return { id: job.id, createdAt: job.createdAt, ...job.definition, status: job.status, version: job.version, versions };
    },
  );

  const ZRankingCursorSchema = z.object({ s: z.number(), id: z.uuid() });
  app.get(
    '/v1/jobs/:id/ranking',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr', 'hiring_manager')],
      schema: { operationId: 'getJobRanking', response: { 200: z.object({ items: z.array(zOpen({ id: z.string() })), nextCursor: ZNextCursorSchema }) },
        tags: ['jobs'],
        summary: 'Screened applications, best first',
        description:
          'Ordered by the composite score once there is one, by the match score before. Withdrawn and rejected applications are left out unless includeClosed=true. Keyset pagination: pass nextCursor back as cursor.',
        params: ZJobParamsSchema,
        querystring: z.object({
          limit: ZLimitSchema,
          cursor: z.string().max(500).optional(),
          includeClosed: z.enum(['true', 'false']).default('false'),
        }),
      },
    },
    async (req) => {
      await loadJobForCandidates(app, req, req.params.id);
      const cursor = decodeCursor(req.query.cursor, ZRankingCursorSchema);
      const rows = await rankingPage(db, {
        jobId: req.params.id,
        includeClosed: req.query.includeClosed === 'true',
        after: cursor,
        limit: req.query.limit + 1,
      });
      const page = rows.slice(0, req.query.limit);
      const last = page[page.length - 1];
      return {
        items: page,
        nextCursor: rows.length > req.query.limit && last ? encodeCursor({ s: last.rankScore!, id: last.id }) : null,
      };
    },
  );

  app.get(
    '/v1/jobs/:id/question-stats',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr', 'hiring_manager')],
      schema: { operationId: 'getJobQuestionStats', response: { 200: z.object({ rule: z.object({ minClaimers: z.number(), minFailRate: z.number(), minExcess: z.number() }), flagged: z.array(zOpen({ questionId: z.string() })), questions: z.array(zOpen({ questionId: z.string() })) }) },
        tags: ['jobs'],
        summary: 'Interview questions that candidates who claim the skill fail unusually often',
        description: `A question is flagged when at least ${MIN_CLAIMERS} candidates claiming its skill at expert or proficient level answered it, at least ${MIN_FAIL_RATE * 100}% of them failed it, and that rate exceeds their failure rate on the job's other questions by at least ${MIN_EXCESS * 100} points.`,
        params: ZJobParamsSchema,
      },
    },
    async (req) => {
      await loadJobForCandidates(app, req, req.params.id);
      const rows = await app.db.rows<{
        question_id: string;
        skill: string;
        answered: number;
        failed: number;
        claimers: number;
        claimers_failed: number;
      }>(sql`
        select question_id, min(skill) as skill,
               count(*)::int as answered,
               count(*) filter (where not correct)::int as failed,
               count(*) filter (where claimed_level in ('expert', 'proficient'))::int as claimers,
               count(*) filter (where claimed_level in ('expert', 'proficient') and not correct)::int as claimers_failed
        from interview_answers
        where job_id = ${req.params.id}
        group by question_id
        order by question_id`);
      const stats = questionStats(
        rows.map((r) => ({
          questionId: r.question_id,
          skill: r.skill,
          answered: r.answered,
          failed: r.failed,
          claimers: r.claimers,
          claimersFailed: r.claimers_failed,
        })),
      );
      return {
        rule: { minClaimers: MIN_CLAIMERS, minFailRate: MIN_FAIL_RATE, minExcess: MIN_EXCESS },
        flagged: stats.filter((s) => s.flagged),
        questions: stats,
      };
    },
  );
}
