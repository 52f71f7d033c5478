/**
 * Changing the organisation after it is set up: users (including deactivation), departments
 * and jobs. Each change is checked as a whole before anything is written, in one
 * transaction with the rows it depends on locked, so two admins cannot together remove
 * the last admin. Every call is audited by the audit hook (api/audit.ts).
 */
import { and, arrayContains, eq, ne } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createNotificationActivities, createTransports } from '../../activities/notifications';
import { ZIdSchema, ZRoleSchema, ZShortTextSchema, type TRole } from '../../domain/contracts/common';
import {
  ZApprovalLevelSchema,
  ZCompetencySchema,
  ZCourseSchema,
  ZCreateJobSchema,
  ZEvaluationPolicySchema,
  ZJobTimersSchema,
  ZOnboardingTemplateSchema,
  ZProbationPolicySchema,
  type TCreateJob,
} from '../../domain/contracts/job';
import { ZUserSchema } from '../../domain/contracts/user';
import { departments, jobs, jobVersions, settings, users } from '../../db/schema';
import { actionsOwedBy, type TOwedAction } from '../../db/queries/owed-actions';
import { authenticate, principalOf, requireRoles } from '../auth';
import { AppError, ERROR_RESPONSES, isUniqueViolation, notFound, validationFailed, type TErrorDetail } from '../errors';
import { jobReferenceProblems } from '../job-references';
import { canonicalJson } from '../plugins/idempotency';
import { forgetJobs } from '../job-cache';

const ZParamsSchema = z.object({ id: z.uuid() });

export const ZPatchUserSchema = z.object({
  name: ZShortTextSchema.optional(),
  email: z.email().max(254).optional(),
  roles: z.array(ZRoleSchema).min(1).max(7).optional(),
  departmentId: ZIdSchema.nullable().optional(),
  active: z.boolean().optional(),
});

export const ZPatchDepartmentSchema = z.object({
  name: ZShortTextSchema.optional(),
  managerUserId: ZIdSchema.optional(),
  defaultCourses: z.array(ZCourseSchema).max(50).nullable().optional(),
});

/** Fields of the job definition a PATCH may set; null removes an optional one (back to the default). */
export const ZPatchJobSchema = z.object({
  title: ZShortTextSchema.optional(),
  status: z.enum(['open', 'closed']).optional(),
  competencies: z.array(ZCompetencySchema).min(1).max(50).optional(),
  timers: ZJobTimersSchema.nullable().optional(),
  approvalChain: z.array(ZApprovalLevelSchema).min(1).max(10).nullable().optional(),
  aboveBandApproverUserId: ZIdSchema.nullable().optional(),
  evaluation: ZEvaluationPolicySchema.nullable().optional(),
  onboarding: ZOnboardingTemplateSchema.nullable().optional(),
  probation: ZProbationPolicySchema.nullable().optional(),
});
const DEFINITION_FIELDS = ['title', 'competencies', 'timers', 'approvalChain', 'aboveBandApproverUserId', 'evaluation', 'onboarding', 'probation'] as const;


const ZOwedSchema = z.object({ kind: z.string(), what: z.string(), path: z.string(), link: z.string(), applicationId: z.string().optional() });


function nothingToChange(body: object) {
  if (Object.values(body).every((v) => v === undefined)) throw validationFailed([{ path: 'body', message: 'name at least one field to change' }]);
}

export default async function administrationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  // HR hears of a deactivated user's open work through the same machinery as every other
  // staff message (stored, keyed, sent once); transports made once per app, closed with it.
  const transports = createTransports(app.config);
  app.addHook('onClose', async () => {
    transports.mailer?.close();
  });
  const notifications = createNotificationActivities({
    db: app.db,
    config: app.config,
    log: { info: (o, m) => app.log.info(o, m), warn: (o, m) => app.log.warn(o, m), error: (o, m) => app.log.error(o, m) },
    now: () => new Date(),
    mailer: transports.mailer,
    sms: transports.sms,
  });

  /** Tells HR what the user still owed; answers how many HR staff were told (0 when it failed). */
  async function flagToHr(user: { id: string; name: string }, owed: TOwedAction[], link: (p: string) => string): Promise<number> {
    if (!owed.length) return 0;
    try {
      const result = await notifications.notifyStaff({
        applicationId: null,
        role: 'hr',
        template: 'reassignment_required',
        purpose: 'reassignment_required',
        keyPrefix: `reassignment:${user.id}:${Date.now()}`,
        data: { userName: user.name, items: owed.slice(0, 200).map((o) => ({ what: o.what, link: link(o.path) })) },
      });
      return result.recipients - result.failed;
    } catch (err) {
      app.log.error({ err, userId: user.id }, 'could not tell HR what a deactivated user owed');
      return 0;
    }
  }

  app.patch(
    '/v1/users/:id',
    {
      onRequest: [authenticate, requireRoles('admin')],
      schema: {
        tags: ['organisation'],
        operationId: 'updateUser',
        summary: "Change a user's name, e-mail, roles, department or active flag",
        description:
          "Deactivating (`active: false`) makes the user's keys fail from the next request and e-mails HR the list of what they still owe (pending approvals, evaluations, mentoring, departments and jobs naming them), also returned here as `reassignment`. Removing the last active admin, or deactivating or taking the approver role from the general manager named in settings, is a 409 saying why.",
        params: ZParamsSchema,
        body: ZPatchUserSchema,
        response: {
          200: ZUserSchema.extend({ reassignment: z.object({ items: z.array(ZOwedSchema), hrNotified: z.number() }).optional() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req) => {
      const body = req.body;
      nothingToChange(body);
      const { before, after } = await db.transaction(async (tx) => {
        const [user] = await tx.select().from(users).where(eq(users.id, req.params.id)).for('update');
        if (!user) throw notFound('user');
        if (body.departmentId) {
          const [d] = await tx.select({ id: departments.id }).from(departments).where(eq(departments.id, body.departmentId));
          if (!d) throw validationFailed([{ path: 'body.departmentId', message: 'no such department' }]);
        }
        const roles = body.roles ? [...new Set(body.roles)] : (user.roles as TRole[]);
        const active = body.active ?? user.active;
        if (user.active && user.roles.includes('admin') && (!active || !roles.includes('admin'))) {
          // Locks every other active admin, so two concurrent demotions cannot both pass.
          const others = await tx
            .select({ id: users.id })
            .from(users)
            .where(and(arrayContains(users.roles, ['admin']), eq(users.active, true), ne(users.id, user.id)))
            .for('update');
          if (!others.length) {
            throw new AppError('conflict', `${user.name} is the last active admin: give another user the admin role before ${active ? 'removing it' : 'deactivating them'}`);
          }
        }
        const [s] = await tx.select({ gm: settings.generalManagerUserId }).from(settings).where(eq(settings.id, 1));
        if (s?.gm === user.id && (!active || (user.roles.includes('approver') && !roles.includes('approver')))) {
          throw new AppError(
            'conflict',
            `${user.name} is the general manager named in the settings (the default chain's last approver): name another general manager with PUT /v1/settings before ${active ? 'removing their approver role' : 'deactivating them'}`,
          );
        }
        try {
          const [updated] = await tx
            .update(users)
            .set({
              ...(body.name !== undefined ? { name: body.name } : {}),
              ...(body.email !== undefined ? { email: body.email.toLowerCase() } : {}),
              ...(body.roles !== undefined ? { roles } : {}),
              ...(body.departmentId !== undefined ? { departmentId: body.departmentId } : {}),
              active,
            })
            .where(eq(users.id, user.id))
            .returning();
          return { before: user, after: updated! };
        } catch (e) {
          if (isUniqueViolation(e)) throw new AppError('conflict', `a user with e-mail ${body.email} already exists`);
          throw e;
        }
      });
      const out = {
        id: after.id,
        name: after.name,
        email: after.email,
        roles: after.roles,
        departmentId: after.departmentId,
        active: after.active,
      };
      if (!(before.active && !after.active)) return out;
      const base = app.config.publicUrl.replace(/\/$/, '');
      const link = (p: string) => `${base}${p}`;
      const owed = await actionsOwedBy(db, before);
      const hrNotified = await flagToHr(after, owed, link);
      return { ...out, reassignment: { items: owed.map((o) => ({ ...o, link: link(o.path) })), hrNotified } };
    },
  );

  app.patch(
    '/v1/departments/:id',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: {
        tags: ['organisation'],
        operationId: 'updateDepartment',
        summary: "Change a department's name, manager or default courses",
        description: 'A new manager who belongs to no department yet is placed in this one (as at creation). `defaultCourses: null` removes them.',
        params: ZParamsSchema,
        body: ZPatchDepartmentSchema,
        response: {
          200: z.object({ id: z.string(), name: z.string(), managerUserId: z.string(), defaultCourses: z.array(z.unknown()).nullable() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req) => {
      const body = req.body;
      nothingToChange(body);
      const updated = await db.transaction(async (tx) => {
        const [dept] = await tx.select().from(departments).where(eq(departments.id, req.params.id)).for('update');
        if (!dept) throw notFound('department');
        if (body.managerUserId) {
          const [m] = await tx.select({ id: users.id, active: users.active, departmentId: users.departmentId }).from(users).where(eq(users.id, body.managerUserId));
          if (!m) throw validationFailed([{ path: 'body.managerUserId', message: 'no such user' }]);
          if (!m.active) throw validationFailed([{ path: 'body.managerUserId', message: 'this user is deactivated' }]);
          if (!m.departmentId) await tx.update(users).set({ departmentId: dept.id }).where(eq(users.id, m.id));
        }
        try {
          const [row] = await tx
            .update(departments)
            .set({
              ...(body.name !== undefined ? { name: body.name } : {}),
              ...(body.managerUserId !== undefined ? { managerUserId: body.managerUserId } : {}),
              ...(body.defaultCourses !== undefined ? { defaultCourses: body.defaultCourses } : {}),
            })
            .where(eq(departments.id, dept.id))
            .returning({ id: departments.id, name: departments.name, managerUserId: departments.managerUserId, defaultCourses: departments.defaultCourses });
          return row!;
        } catch (e) {
          if (isUniqueViolation(e)) throw new AppError('conflict', `a department named ${body.name} already exists`);
          throw e;
        }
      });
      // Submissions read the department's default courses with the job.
      forgetJobs(app);
      return updated;
    },
  );

  app.patch(
    '/v1/jobs/:id',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: {
        tags: ['jobs'],
        operationId: 'updateJob',
        summary: "Change a job's definition or close it",
        description:
          'A closed job refuses new applications (409 `job_closed`); running applications go on. A changed definition is a new version (see `GET /v1/jobs/:id`) and applies to applications submitted afterwards only: each workflow keeps the definition it started with. `null` removes an optional field (back to the default). An approval chain may name only active users who hold the approver role or manage a department.',
        params: ZParamsSchema,
        body: ZPatchJobSchema,
        response: { 200: z.object({ id: z.string(), status: z.string(), version: z.number() }).loose(), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const body = req.body;
      nothingToChange(body);
      const p = principalOf(req);
      const details = await jobReferenceProblems(db, body);
      if (details.length) throw validationFailed(details);
      const job = await db.transaction(async (tx) => {
        const [current] = await tx.select().from(jobs).where(eq(jobs.id, req.params.id)).for('update');
        if (!current) throw notFound('job');
        const merged: Record<string, unknown> = { ...current.definition };
        for (const f of DEFINITION_FIELDS) {
          const v = body[f];
          if (v === null) delete merged[f];
          else if (v !== undefined) merged[f] = v;
        }
        const parsed = ZCreateJobSchema.safeParse(merged);
        if (!parsed.success) {
          throw validationFailed(parsed.error.issues.map((i): TErrorDetail => ({ path: ['body', ...i.path].join('.'), message: i.message })));
        }
        const next: TCreateJob = parsed.data;
        const changed = DEFINITION_FIELDS.filter(
          (f) => canonicalJson((current.definition as Record<string, unknown>)[f]) !== canonicalJson((next as Record<string, unknown>)[f]),
        );
        const version = changed.length ? current.version + 1 : current.version;
        const [row] = await tx
          .update(jobs)
          .set({ title: next.title, definition: next, version, ...(body.status ? { status: body.status } : {}) })
          .where(eq(jobs.id, current.id))
          .returning();
        if (changed.length) {
          await tx.insert(jobVersions).values({ jobId: current.id, version, definition: next, changed: [...changed], changedBy: p.userId, changedByName: p.name });
        }
        return row!;
      });
      forgetJobs(app, job.id);
      return { id: job.id, ...job.definition, status: job.status, version: job.version };
    },
  );
}
