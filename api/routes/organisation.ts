/** Users, departments and organisation settings. */
import { eq, inArray, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZIdSchema, ZRoleSchema, ZShortTextSchema } from '../../domain/contracts/common';
import { ZPatchSettingsSchema, ZPutSettingsSchema, ZRetentionSchema } from '../../domain/contracts/settings';
import { ZUserSchema } from '../../domain/contracts/user';
import { logoProblem } from '../../activities/offers/pdf';
import { ZCourseSchema } from '../../domain/contracts/job';
import { apiKeys, departments, settings, users } from '../../db/schema';
import { getSettings } from '../../db/settings';
import { authenticate, generateToken, hashToken, requireRoles } from '../auth';
import { AppError, ERROR_RESPONSES, isUniqueViolation, validationFailed } from '../errors';
import { ZSettingsResponseSchema } from '../response-schemas';

export const ZCreateUserSchema = z
  .object({
    name: ZShortTextSchema,
    email: z.email().max(254),
    roles: z.array(ZRoleSchema).min(1).max(7),
    departmentId: ZIdSchema.optional(),
  })
  .describe(
    'A hiring manager sees the applications of their department. One created without a department joins the department it is made manager of.',
  );

export const ZCreateDepartmentSchema = z.object({
  name: ZShortTextSchema,
  managerUserId: ZIdSchema,
  /** Courses for this department's new hires when their job's onboarding template names none. */
  defaultCourses: z.array(ZCourseSchema).max(50).optional(),
});






export default async function organisationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  app.post(
    '/v1/users',
    {
      onRequest: [authenticate, requireRoles('admin')],
      // The token is shown once: a replay by Idempotency-Key answers the id with token null.
      config: { idempotencyRedact: ['token'] },
      schema: { operationId: 'createUser',
        tags: ['organisation'],
        summary: "Create a user; the token (the user's first API key) is shown once and stored hashed",
        body: ZCreateUserSchema,
        response: { 201: z.object({ id: z.string(), token: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const body = req.body;
      if (body.departmentId) {
        const [d] = await db.select({ id: departments.id }).from(departments).where(eq(departments.id, body.departmentId));
        if (!d) throw validationFailed([{ path: 'body.departmentId', message: 'no such department' }]);
      }
      const token = generateToken();
      try {
        const id = await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(users)
            .values({
              name: body.name,
              email: body.email.toLowerCase(),
              roles: [...new Set(body.roles)],
              departmentId: body.departmentId ?? null,
            })
            .returning({ id: users.id });
          // The token is the user's first API key: unscoped (what the roles allow), revocable.
          await tx.insert(apiKeys).values({ userId: row!.id, name: 'initial token', keyHash: hashToken(token) });
          return row!.id;
        });
        return reply.status(201).send({ id, token });
      } catch (e) {
        if (isUniqueViolation(e)) throw new AppError('conflict', `a user with e-mail ${body.email} already exists`);
        throw e;
      }
    },
  );

  app.get(
    '/v1/users',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: { operationId: 'listUsers', tags: ['organisation'], summary: 'List users', response: { 200: z.object({ items: z.array(ZUserSchema) }) } },
    },
    async () => {
      const rows = await db
        .select({ id: users.id, name: users.name, email: users.email, roles: users.roles, departmentId: users.departmentId, active: users.active })
        .from(users)
        .orderBy(users.createdAt, users.id);
      return { items: rows };
    },
  );

  app.post(
    '/v1/departments',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: { operationId: 'createDepartment',
        tags: ['organisation'],
        summary: 'Create a department with its manager',
        description: 'A manager who belongs to no department yet is placed in this one.',
        body: ZCreateDepartmentSchema,
        response: { 201: z.object({ id: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const { name, managerUserId, defaultCourses } = req.body;
      const [manager] = await db.select({ id: users.id, departmentId: users.departmentId }).from(users).where(eq(users.id, managerUserId));
      if (!manager) throw validationFailed([{ path: 'body.managerUserId', message: 'no such user' }]);
      try {
        const id = await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(departments)
            .values({ name, managerUserId, defaultCourses: defaultCourses ?? null })
            .returning({ id: departments.id });
          if (!manager.departmentId) await tx.update(users).set({ departmentId: row!.id }).where(eq(users.id, managerUserId));
          return row!.id;
        });
        return reply.status(201).send({ id });
      } catch (e) {
        if (isUniqueViolation(e)) throw new AppError('conflict', `a department named ${name} already exists`);
        throw e;
      }
    },
  );

  app.get(
    '/v1/departments',
    {
      onRequest: [authenticate],
      schema: { operationId: 'listDepartments',
        tags: ['organisation'],
        summary: 'List departments',
        response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), managerUserId: z.string() })) }) },
      },
    },
    async () => ({
      items: await db
        .select({ id: departments.id, name: departments.name, managerUserId: departments.managerUserId })
        .from(departments)
        .orderBy(departments.name),
    }),
  );

  app.put(
    '/v1/settings',
    {
      onRequest: [authenticate, requireRoles('admin')],
      schema: { operationId: 'putSettings', response: { 200: ZSettingsResponseSchema }, tags: ['organisation'], summary: 'Replace the organisation settings', body: ZPutSettingsSchema },
    },
    async (req) => {
      const body = req.body;
      const [gm] = await db.select({ id: users.id }).from(users).where(inArray(users.id, [body.generalManagerUserId]));
      if (!gm) throw validationFailed([{ path: 'body.generalManagerUserId', message: 'no such user' }]);
      const logo = body.logoPngBase64 ? await logoProblem(body.logoPngBase64) : undefined;
      if (logo) throw validationFailed([{ path: 'body.logoPngBase64', message: logo }]);
      const values = {
        companyName: body.companyName,
        companyAddress: body.companyAddress,
        logoPngBase64: body.logoPngBase64 ?? null,
        generalManagerUserId: body.generalManagerUserId,
        defaults: body.defaults,
        retention: body.retention,
      };
      await db
        .insert(settings)
        .values({ id: 1, ...values })
        .onConflictDoUpdate({ target: settings.id, set: { ...values, updatedAt: sql`now()` } });
      return getSettings(db);
    },
  );

  app.patch(
    '/v1/settings',
    {
      onRequest: [authenticate, requireRoles('admin')],
      schema: {
        operationId: 'patchSettings',
        tags: ['organisation'],
        summary: 'Change part of the organisation settings (today: retention)',
        description:
          'Only the fields given change: `retention.afterEnd.<outcome>` (days after an application ended rejected, withdrawn, declined or expired before it is erased automatically), `retention.idempotencyKeys` and `retention.webhookEvents` (days kept). Whole days, 1 to 3650. 409 before the settings were first saved with PUT.',
        body: ZPatchSettingsSchema,
        response: {
          200: z.looseObject({ companyName: z.string(), retention: ZRetentionSchema, saved: z.boolean() }).describe('The settings in force (as GET /v1/settings)'),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req) => {
      const current = await getSettings(db);
      if (!current.saved) throw new AppError('conflict', 'save the organisation settings with PUT /v1/settings first');
      const r = req.body.retention;
      const retention = {
        afterEnd: { ...current.retention.afterEnd, ...r.afterEnd },
        idempotencyKeys: r.idempotencyKeys ?? current.retention.idempotencyKeys,
        webhookEvents: r.webhookEvents ?? current.retention.webhookEvents,
      };
      await db.update(settings).set({ retention, updatedAt: sql`now()` }).where(eq(settings.id, 1));
      return { ...(await getSettings(db)) };
    },
  );

  app.get(
    '/v1/settings',
    { onRequest: [authenticate], schema: { operationId: 'getSettings', response: { 200: ZSettingsResponseSchema }, tags: ['organisation'], summary: 'The organisation settings in force' } },
    async () => getSettings(db),
  );
}
