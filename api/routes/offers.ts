/** Offers for staff: drafting, submission, approvals and delegation; the approver's inbox. */
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pendingApprovalsFor } from '../../db/queries/offers';
import { ZOfferDraftSchema } from '../../domain/contracts/offer';
import { applications, users } from '../../db/schema';
import {
  approvalUpdate,
  delegateApprovalUpdate,
  draftOfferUpdate,
  submitOfferUpdate,
} from '../../workflows/messages';
import { actorOf, authenticate, principalOf, requireRoles } from '../auth';
import { ERROR_RESPONSES, notFound, validationFailed } from '../errors';
import { runUpdate } from '../workflow-client';
import { loadVisibleApplication } from './applications';
import { ZApprovalResultSchema, ZDelegateResultSchema, ZSubmitOfferResultSchema, ZTimestampSchema, zOpen } from '../response-schemas';

const ZParamsSchema = z.object({ id: z.uuid() });

export default async function offerRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  app.put(
    '/v1/applications/:id/offer',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: { operationId: 'putOfferDraft',
        tags: ['offers'],
        summary: 'Draft the offer, or revise it (a new version each time)',
        description:
          'Start date must be in the future, salary positive, in the currency and period of the job’s band. A revision of a sent offer that stays within the approved salary and the band is re-issued directly; otherwise it needs approval again (submit).',
        params: ZParamsSchema,
        body: ZOfferDraftSchema,
        response: { 200: z.object({ version: z.number(), requiresApproval: z.boolean(), stage: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const row = await loadVisibleApplication(app, req, req.params.id);
      return runUpdate(app, req, row.id, draftOfferUpdate, { offer: req.body, actor: actorOf(principalOf(req)) });
    },
  );

  app.post(
    '/v1/applications/:id/offer/submit',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: { operationId: 'submitOffer', response: { 200: ZSubmitOfferResultSchema }, tags: ['offers'], summary: 'Start the approval chain for the current version', params: ZParamsSchema },
    },
    async (req) => {
      const row = await loadVisibleApplication(app, req, req.params.id);
      return runUpdate(app, req, row.id, submitOfferUpdate, { actor: actorOf(principalOf(req)) });
    },
  );

  app.post(
    '/v1/applications/:id/offer/approvals',
    {
      onRequest: [authenticate],
      schema: { operationId: 'decideOfferApproval', response: { 200: ZApprovalResultSchema },
        tags: ['offers'],
        summary: "Approve or reject the offer (the current level's approvers only)",
        description: 'Anyone not an approver of the current level gets 403; a decision naming an older version gets 409.',
        params: ZParamsSchema,
        body: z.object({
          decision: z.enum(['approve', 'reject']),
          comment: z.string().trim().max(2000).optional(),
          version: z.number().int().min(1).optional(),
        }),
      },
    },
    async (req) => {
      // Approvers may sit outside the department: the workflow decides who may approve.
      const [row] = await db.select({ id: applications.id }).from(applications).where(eq(applications.id, req.params.id));
      if (!row) throw notFound('application');
      return runUpdate(app, req, row.id, approvalUpdate, { ...req.body, actor: actorOf(principalOf(req)) });
    },
  );

  app.post(
    '/v1/applications/:id/offer/approvals/delegate',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      schema: { operationId: 'delegateOfferApproval', response: { 200: ZDelegateResultSchema },
        tags: ['offers'],
        summary: 'Hand a pending approval to another user (logged with both names)',
        description: 'Never to the caller nor to whoever drafted the current version (403): nobody approves their own hand-off or their own offer.',
        params: ZParamsSchema,
        body: z.object({ fromUserId: z.uuid(), toUserId: z.uuid() }),
      },
    },
    async (req) => {
      const row = await loadVisibleApplication(app, req, req.params.id);
      const [to] = await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, req.body.toUserId));
      if (!to) throw validationFailed([{ path: 'body.toUserId', message: 'no such user' }]);
      const [from] = await db.select({ name: users.name }).from(users).where(eq(users.id, req.body.fromUserId));
      return runUpdate(app, req, row.id, delegateApprovalUpdate, {
        fromUserId: req.body.fromUserId,
        fromName: from?.name,
        to,
        actor: actorOf(principalOf(req)),
      });
    },
  );

  app.get(
    '/v1/approvals',
    {
      onRequest: [authenticate],
      schema: { operationId: 'listApprovals', response: { 200: z.object({ items: z.array(zOpen({ applicationId: z.string(), version: z.number().int(), level: z.number().int(), dueAt: ZTimestampSchema.nullable(), candidateName: z.string().nullable(), jobId: z.string(), departmentId: z.string(), stage: z.string() })) }) }, tags: ['offers'], summary: "The caller's pending offer approvals, soonest due first" },
    },
    async (req) => ({ items: await pendingApprovalsFor(app, principalOf(req).userId) }),
  );
}
