/**
 * Employees and onboarding: the new hire's record (checklist, documents, training record,
 * mentor), task completion by the assignee role or HR, course results from an LMS, and
 * HR's rejection of a document.
 */
import path from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZStageSchema } from '../../domain/contracts/application';
import { employeeDocuments, employees } from '../../db/schema';
import { ERASED } from '../../db/queries/erasure';
import { completeTaskUpdate, courseResultUpdate, rejectDocumentUpdate } from '../../workflows/messages';
import { actorOf, authenticate, hasRole, principalOf, requireRoles } from '../auth';
import { AppError, ERROR_RESPONSES, notFound } from '../errors';
import { isoMicros, updatedSinceKeyset, ZLimitSchema, ZUpdatedSinceSchema } from '../pagination';
import { queryStatus, runUpdate } from '../workflow-client';
import { ZCourseRecordSchema, ZOnboardingTaskSchema, ZTimestampSchema, fileOf, zOpen } from '../response-schemas';

const ZParamsSchema = z.object({ id: z.uuid() });

export const ZEmployeeListItemSchema = z.object({
  id: z.string(),
  employeeNumber: z.string(),
  applicationId: z.string(),
  name: z.string(),
  email: z.string(),
  position: z.string(),
  departmentId: z.string(),
  jobId: z.string(),
  startDate: z.string(),
  status: z.enum(['onboarding', 'active', 'ended']),
  mentorUserId: z.string().nullable(),
  createdAt: z.string(),
  hiredAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type TEmployeeListItem = z.infer<typeof ZEmployeeListItemSchema>;

export default async function employeeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  /** HR and admins see every employee; a mentor their mentees; a hiring manager their department's. */
  async function loadVisibleEmployee(req: FastifyRequest, id: string) {
    const [emp] = await db.select().from(employees).where(eq(employees.id, id));
    // An erased candidate's employee row keeps only counts and dates (api/erasure.ts).
    if (!emp || emp.name === ERASED) throw notFound('employee');
    const p = principalOf(req);
    const visible =
      hasRole(p, 'admin', 'hr') ||
      emp.mentorUserId === p.userId ||
      (hasRole(p, 'hiring_manager') && p.departmentId === emp.departmentId) ||
      // IT and LMS integrations act on tasks and courses of any new hire.
      hasRole(p, 'it', 'integrator');
    if (!visible) throw notFound('employee');
    return emp;
  }

  app.get(
    '/v1/employees',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr', 'integrator')],
      schema: {
        tags: ['onboarding'],
        operationId: 'listEmployees',
        summary: 'New hires for the EHR side, oldest change first',
        description:
          'Every employee record (created when an offer is accepted; `status` becomes `active` when onboarding completes), by (updatedAt, id) ascending. `updatedSince` keeps the ones changed since then; page with nextCursor. To poll, ask again from the last updatedAt minus a few seconds and drop ids already seen.',
        querystring: z.object({ updatedSince: ZUpdatedSinceSchema, limit: ZLimitSchema, cursor: z.string().max(500).optional() }),
        response: { 200: z.object({ items: z.array(ZEmployeeListItemSchema), nextCursor: z.string().nullable() }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const q = req.query;
      const e = employees;
      const sync = updatedSinceKeyset(e.updatedAt, e.id, q.updatedSince, q.cursor);
      const rows = await db
        .select({
          id: e.id,
          employeeNumber: e.employeeNumber,
          applicationId: e.applicationId,
          name: e.name,
          email: e.email,
          position: e.position,
          departmentId: e.departmentId,
          jobId: e.jobId,
          startDate: e.startDate,
          status: e.status,
          mentorUserId: e.mentorUserId,
          createdAt: e.createdAt,
          hiredAt: e.hiredAt,
          updatedAt: e.updatedAt,
          updatedKey: isoMicros(e.updatedAt),
        })
        .from(e)
        .where(sync.where)
        .orderBy(...sync.orderBy)
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      return {
        items: page.map(
          ({ updatedKey: _, ...r }): TEmployeeListItem => ({
            ...r,
            createdAt: r.createdAt.toISOString(),
            hiredAt: r.hiredAt?.toISOString() ?? null,
            updatedAt: r.updatedAt.toISOString(),
          }),
        ),
        nextCursor: rows.length > q.limit ? sync.next(page[page.length - 1]) : null,
      };
    },
  );

  app.get(
    '/v1/employees/:id',
    {
      onRequest: [authenticate],
      schema: { operationId: 'getEmployee', response: { 200: zOpen({ id: z.string(), employeeNumber: z.string(), name: z.string(), email: z.string(), position: z.string(), departmentId: z.string(), jobId: z.string(), applicationId: z.string(), startDate: z.string(), status: z.string(), mentorUserId: z.string().nullable(), hiredAt: ZTimestampSchema.nullable(), stage: ZStageSchema, checklist: z.array(ZOnboardingTaskSchema), trainingRecord: z.array(ZCourseRecordSchema) }) },
        tags: ['onboarding'],
        summary: 'The employee: number, onboarding checklist, documents, training record and mentor',
        params: ZParamsSchema,
      },
    },
    async (req) => {
      const emp = await loadVisibleEmployee(req, req.params.id);
      const [status, docs] = await Promise.all([
        queryStatus(app, emp.applicationId),
        db
          .select({
            id: employeeDocuments.id,
            kind: employeeDocuments.kind,
            filename: employeeDocuments.filename,
            contentType: employeeDocuments.contentType,
            size: employeeDocuments.size,
            sha256: employeeDocuments.sha256,
            status: employeeDocuments.status,
            rejectReason: employeeDocuments.rejectReason,
            uploadedAt: employeeDocuments.uploadedAt,
          })
          .from(employeeDocuments)
          .where(eq(employeeDocuments.employeeId, emp.id))
          .orderBy(desc(employeeDocuments.uploadedAt)),
      ]);
      const ob = status.onboarding;
      return {
        id: emp.id,
        employeeNumber: emp.employeeNumber,
        name: emp.name,
        email: emp.email,
        position: emp.position,
        departmentId: emp.departmentId,
        jobId: emp.jobId,
        applicationId: emp.applicationId,
        startDate: emp.startDate,
        status: emp.status,
        mentorUserId: emp.mentorUserId,
        hiredAt: emp.hiredAt,
        stage: status.stage,
        checklist: ob?.tasks ?? [],
        trainingRecord: ob?.courses ?? [],
        maxAttempts: ob?.maxAttempts ?? null,
        milestones: ob?.milestones ?? [],
        documents: docs,
      };
    },
  );

  app.post(
    '/v1/employees/:id/onboarding/tasks/:taskKey/complete',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr', 'it', 'mentor', 'hiring_manager')],
      schema: { operationId: 'completeOnboardingTask', response: { 200: ZOnboardingTaskSchema },
        tags: ['onboarding'],
        summary: "Complete an onboarding task (its assignee role, the employee's mentor, or HR)",
        params: z.object({ id: z.uuid(), taskKey: z.string().min(1).max(63) }),
        body: z.object({ note: z.string().trim().max(2000).optional() }).default({}),
      },
    },
    async (req) => {
      const emp = await loadVisibleEmployee(req, req.params.id);
      return runUpdate(app, req, emp.applicationId, completeTaskUpdate, {
        taskKey: req.params.taskKey,
        note: req.body.note,
        actor: actorOf(principalOf(req)),
      });
    },
  );

  app.post(
    '/v1/employees/:id/courses/:courseKey/result',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr', 'integrator')],
      schema: { operationId: 'recordCourseResult', response: { 200: ZCourseRecordSchema },
        tags: ['onboarding'],
        summary: 'Record a course result (an LMS integration); a failure allows a retake up to the attempts limit',
        params: z.object({ id: z.uuid(), courseKey: z.string().min(1).max(63) }),
        body: z.object({ score: z.number().min(0).max(100) }),
      },
    },
    async (req) => {
      const emp = await loadVisibleEmployee(req, req.params.id);
      return runUpdate(app, req, emp.applicationId, courseResultUpdate, {
        courseKey: req.params.courseKey,
        score: req.body.score,
        actor: actorOf(principalOf(req)),
      });
    },
  );

  app.post(
    '/v1/employees/:id/documents/:documentId/reject',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: { operationId: 'rejectEmployeeDocument', response: { 200: ZOnboardingTaskSchema },
        tags: ['onboarding'],
        summary: 'Reject a document: its task reopens and the new hire is told why',
        params: z.object({ id: z.uuid(), documentId: z.uuid() }),
        body: z.object({ reason: z.string().trim().min(1).max(2000) }),
      },
    },
    async (req) => {
      const emp = await loadVisibleEmployee(req, req.params.id);
      const [doc] = await db
        .select({ id: employeeDocuments.id })
        .from(employeeDocuments)
        .where(and(eq(employeeDocuments.id, req.params.documentId), eq(employeeDocuments.employeeId, emp.id)));
      if (!doc) throw notFound('document');
      const task = await runUpdate(app, req, emp.applicationId, rejectDocumentUpdate, {
        documentId: doc.id,
        reason: req.body.reason,
        actor: actorOf(principalOf(req)),
      });
      await db
        .update(employeeDocuments)
        .set({ status: 'rejected', rejectReason: req.body.reason })
        .where(eq(employeeDocuments.id, doc.id));
      return task;
    },
  );

  app.get(
    '/v1/employees/:id/documents/:documentId',
    {
      // The bytes (ID copy, diploma, medical report) are for HR and admins only; the new hire
      // has their portal. Everyone else who may see the employee sees in GET /v1/employees/:id
      // that the document exists and its status, not its content.
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: { operationId: 'getEmployeeDocument', response: { 200: fileOf('The file as uploaded', 'application/pdf', 'image/jpeg', 'image/png') },
        tags: ['onboarding'],
        summary: 'Download a document the new hire uploaded (HR and admins only)',
        params: z.object({ id: z.uuid(), documentId: z.uuid() }),
      },
    },
    async (req, reply) => {
      const emp = await loadVisibleEmployee(req, req.params.id);
      const [doc] = await db
        .select()
        .from(employeeDocuments)
        .where(and(eq(employeeDocuments.id, req.params.documentId), eq(employeeDocuments.employeeId, emp.id)));
      if (!doc) throw notFound('document');
      const bytes = await app.documents.get(doc.storageKey);
      if (!bytes) throw new AppError('not_found', 'the stored file is missing');
      return reply
        .header('content-type', doc.contentType)
        .header('content-disposition', `attachment; filename="${doc.kind}${path.extname(doc.filename).replace(/[^.\w]/g, '')}"`)
        .header('x-content-sha256', doc.sha256)
        .send(bytes);
    },
  );

}
