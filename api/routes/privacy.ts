/**
 * The candidate's rights over their data: erasure (admin) and subject access (HR, admin).
 * Both audited (api/privacy-audit.ts). What is erased and what is kept:
 * docs/personal-data.md.
 */
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { exportApplication } from '../../db/queries/export';
import { listRetentionRuns } from '../../db/queries/retention';
import { authenticate, requireRoles } from '../auth';
import { eraseApplication } from '../erasure';
import { ERROR_RESPONSES, notFound } from '../errors';
import { decodeCursor, encodeCursor, ZLimitSchema } from '../pagination';
import { auditPrivacy } from '../privacy-audit';
import { queryStatus } from '../workflow-client';
import { fileOf, ZAnyObjectSchema } from '../response-schemas';

const ZParamsSchema = z.object({ id: z.uuid() });
const ZEraseSchema = z.object({ reason: z.string().trim().min(3).max(500) });
const ZErasedSchema = z.object({
  id: z.string(),
  stage: z.literal('erased'),
  erasedAt: z.string(),
  /** True when it had already been erased (the request scrubbed again). */
  alreadyErased: z.boolean(),
  filesDeleted: z.number().int(),
});
const ZExportQuerySchema = z.object({ format: z.enum(['json', 'zip']).default('json') });
const ZRunsQuerySchema = z.object({ limit: ZLimitSchema, cursor: z.string().max(200).optional() });
const ZRunCursorSchema = z.object({ s: z.iso.datetime(), id: z.uuid() });
const ZRetentionRunSchema = z.object({
  id: z.string(),
  runKey: z.string().describe('The retention workflow run (workflow id / run id) that wrote it'),
  asOf: z.string().describe('The clock it erased by'),
  startedAt: z.string(),
  finishedAt: z.string().nullable().describe('null while running, or if its last attempt failed'),
  erased: z.array(z.object({ applicationId: z.string(), outcome: z.string(), endedAt: z.string() })),
  failed: z.array(z.object({ applicationId: z.string(), error: z.string() })).describe('Erasures that failed (the next run tries again)'),
  idempotencyKeysPurged: z.number().int(),
  webhookEventsPurged: z.number().int(),
  more: z.boolean().describe('More applications were due than one run erases; the next run continues'),
});

export default async function privacyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/v1/applications/:id/erase',
    {
      onRequest: [authenticate, requireRoles('admin')],
      schema: {
        operationId: 'eraseApplication',
        tags: ['privacy'],
        summary: "Erase the candidate's personal data (right to erasure)",
        description:
          "Ends the workflow, destroys its data key (its Temporal history becomes unreadable) and deletes the execution, replaces every personal field in the database with `[erased]`, deletes the candidate's files and invalidates every link. Counts, stages and dates stay for reports. Idempotent. 409 for an active employee (their record falls under employment law).",
        params: ZParamsSchema,
        body: ZEraseSchema,
        response: { 202: ZErasedSchema, ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const { target, erasedAt, filesDeleted, repeat } = await eraseApplication(app, req.params.id);
      await auditPrivacy(req, {
        action: 'application.erase',
        applicationId: target.id,
        detail: { reason: req.body.reason, fromStage: target.stage, repeat, filesDeleted },
      });
      return reply.status(202).send({
        id: target.id,
        stage: 'erased' as const,
        erasedAt: erasedAt.toISOString(),
        alreadyErased: repeat,
        filesDeleted,
      });
    },
  );

  app.get(
    '/v1/privacy/retention-runs',
    {
      onRequest: [authenticate, requireRoles('admin')],
      schema: {
        operationId: 'listRetentionRuns',
        tags: ['privacy'],
        summary: 'What the retention schedule erased and purged, newest run first',
        description:
          'One item per run of the daily retention schedule (settings.retention): the applications it erased (ids, outcome, when they ended), erasures that failed, and how many idempotency responses and webhook events it purged. Ids only: nothing personal.',
        querystring: ZRunsQuerySchema,
        response: { 200: z.object({ items: z.array(ZRetentionRunSchema), nextCursor: z.string().nullable() }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const after = decodeCursor(req.query.cursor, ZRunCursorSchema);
      const rows = await listRetentionRuns(app.db, req.query.limit + 1, after ? { startedAt: after.s, id: after.id } : undefined);
      const page = rows.slice(0, req.query.limit);
      const last = page.at(-1);
      return {
        items: page.map(({ startedKey: _k, ...run }) => run),
        nextCursor: rows.length > req.query.limit && last ? encodeCursor({ s: last.startedKey, id: last.id }) : null,
      };
    },
  );

  app.get(
    '/v1/applications/:id/export',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: {
        operationId: 'exportApplication',
        tags: ['privacy'],
        summary: 'Everything held about the candidate (subject access)',
        description:
          'One JSON document: the application, interview answers, match report, messages, offers (terms, letters, signatures), the employee record and documents, webhook events, and the workflow\'s status. `format=zip`: a zip with `export.json` and the files (offer letters, signed copies, uploaded documents). Audited.',
        params: ZParamsSchema,
        querystring: ZExportQuerySchema,
        response: {
          200: { description: 'The export: JSON, or with format=zip the zip', content: { 'application/json': { schema: ZAnyObjectSchema }, ...fileOf('', 'application/zip').content } },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req, reply) => {
      const found = await exportApplication(app.db, req.params.id, app.config.payloadKeys);
      if (!found) throw notFound('application');
      const status = found.data.application.stage === 'erased' ? null : await queryStatus(app, req.params.id).catch(() => null);
      const doc = { exportedAt: new Date().toISOString(), ...found.data, workflowStatus: status };
      await auditPrivacy(req, { action: 'application.export', applicationId: req.params.id, detail: { format: req.query.format } });
      if (req.query.format === 'json') return doc;
      const files: Record<string, Uint8Array> = { 'export.json': strToU8(JSON.stringify(doc, null, 2)) };
      for (const f of found.offerFiles) files[f.name] = f.bytes;
      for (const d of found.data.employeeDocuments) {
        const key = d.storage_key as string;
        const bytes = await app.documents.get(key);
        if (bytes) files[`documents/${d.id as string}-${path.basename(String(d.filename))}`] = new Uint8Array(bytes);
      }
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="application-${req.params.id}.zip"`)
        .send(Buffer.from(zipSync(files)));
    },
  );
}
