/**
 * Probation (issue 18): the hiring manager's mid-point check-in, the mentor's note and the
 * final review HR records. Each is an Update: the workflow refuses the wrong stage, the
 * wrong person, a second extension or a bad end date before anything enters history.
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applications, employees } from '../../db/schema';
import { ZStageSchema } from '../../domain/contracts/application';
import { mentorNoteUpdate, probationCheckInUpdate, probationReviewUpdate } from '../../workflows/messages';
import { actorOf, assertCanSeeDepartment, authenticate, principalOf, requireRoles } from '../auth';
import { ERROR_RESPONSES, notFound } from '../errors';
import { runUpdate } from '../workflow-client';

const ZParamsSchema = z.object({ id: z.uuid() });
const ZNoteTextSchema = z.string().trim().min(1, 'must not be empty').max(5000);
const ZDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)');

const ZNoteSchema = z.object({ by: z.object({ id: z.string(), name: z.string() }), note: z.string(), at: z.string() });
export const ZProbationSchema = z.object({
  startDate: z.string(),
  endDate: z.string(),
  checkInDate: z.string(),
  months: z.number(),
  reminderDays: z.number(),
  mentorUserId: z.string().nullable(),
  checkIn: ZNoteSchema.extend({ onTrack: z.boolean() }).nullable(),
  mentorNote: ZNoteSchema.nullable(),
  extension: z.object({ previousEndDate: z.string(), endDate: z.string(), reason: z.string(), by: z.string(), at: z.string() }).nullable(),
  review: z.object({ outcome: z.enum(['confirm', 'end']), reason: z.string().nullable(), by: z.object({ id: z.string(), name: z.string() }), at: z.string() }).nullable(),
  alerts: z.record(z.string(), z.string()),
});

export default async function probationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  /** The application's id if the caller may see it (or mentors its new hire); 404 otherwise. */
  async function visibleId(req: FastifyRequest, id: string, mentorToo = false): Promise<string> {
    const [row] = await db
      .select({ id: applications.id, departmentId: applications.departmentId, mentorUserId: employees.mentorUserId })
      .from(applications)
      .leftJoin(employees, eq(employees.applicationId, applications.id))
      .where(eq(applications.id, id));
    if (!row) throw notFound('application');
    if (!(mentorToo && row.mentorUserId !== null && row.mentorUserId === principalOf(req).userId)) assertCanSeeDepartment(principalOf(req), row.departmentId);
    return row.id;
  }

  app.post(
    '/v1/applications/:id/probation/check-in',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr', 'hiring_manager')],
      schema: {
        tags: ['probation'],
        operationId: 'recordProbationCheckIn',
        summary: "The hiring manager's mid-point probation check-in (once)",
        description: 'In `probation` only (409 `wrong_stage` otherwise); the hiring manager of the department or HR; a second check-in is 409.',
        params: ZParamsSchema,
        body: z.object({ note: ZNoteTextSchema, onTrack: z.boolean() }),
        response: { 200: ZProbationSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const id = await visibleId(req, req.params.id);
      return runUpdate(app, req, id, probationCheckInUpdate, { ...req.body, actor: actorOf(principalOf(req)) });
    },
  );

  app.post(
    '/v1/applications/:id/probation/mentor-note',
    {
      onRequest: [authenticate],
      schema: {
        tags: ['probation'],
        operationId: 'recordProbationMentorNote',
        summary: "The mentor's note for the final review (a later note replaces it)",
        description: "The new hire's mentor (or HR), in `probation` only. Anyone else gets 403, or 404 if they may not see the application.",
        params: ZParamsSchema,
        body: z.object({ note: ZNoteTextSchema }),
        response: { 200: ZProbationSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const id = await visibleId(req, req.params.id, true);
      return runUpdate(app, req, id, mentorNoteUpdate, { note: req.body.note, actor: actorOf(principalOf(req)) });
    },
  );

  app.post(
    '/v1/applications/:id/probation/review',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: {
        tags: ['probation'],
        operationId: 'recordProbationReview',
        summary: 'Record the final probation review: confirm, extend (once) or end',
        description:
          '`confirm` moves the application to `confirmed`, `end` to `probation_failed` (a `reason` is required); `extend` (once, with a `reason`) sets a new `endDate` after the current one, in the future and at most six months from the start date (400 `validation_failed` otherwise; a second extension is 409). Webhooks: `probation.confirmed`, `probation.extended`, `probation.ended`.',
        params: ZParamsSchema,
        body: z.object({
          outcome: z.enum(['confirm', 'extend', 'end']),
          reason: z.string().trim().min(1).max(2000).optional(),
          endDate: ZDateSchema.optional(),
        }),
        response: { 200: z.object({ stage: ZStageSchema, probation: ZProbationSchema }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const id = await visibleId(req, req.params.id);
      return runUpdate(app, req, id, probationReviewUpdate, { ...req.body, actor: actorOf(principalOf(req)) });
    },
  );
}
