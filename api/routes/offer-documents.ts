/**
 * For the console's candidate page (issue 13): the offer letter as sent and the signed copy
 * to download (HR and admins, every read audited: api/audit.ts SENSITIVE_READS), and two
 * previews that render without side effects: the offer letter of a draft before it is
 * saved or submitted, and the rejection feedback in the candidate's language before HR
 * decides to reject.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnreadableLogoError, renderOfferLetter } from '../../activities/offers/pdf';
import { renderMessage } from '../../activities/notifications';
import { loadOfferDocument, type TOfferDocumentKind } from '../../db/queries/offers';
import { jobs, offerDocuments } from '../../db/schema';
import { getSettingsCached } from '../../db/settings';
import { ZLocaleSchema, type TLocale } from '../../domain/contracts/common';
import type { TCompetency } from '../../domain/contracts/job';
import { ZOfferDraftSchema } from '../../domain/contracts/offer';
import { addDuration } from '../../domain/durations';
import { buildFeedback } from '../../domain/feedback';
import { draftProblems } from '../../domain/offers';
import { resolveJobPolicy } from '../../domain/policy';
import { authenticate, requireRoles } from '../auth';
import { AppError, ERROR_RESPONSES, validationFailed } from '../errors';
import { fileOf } from '../response-schemas';
import { queryStatus } from '../workflow-client';
import { loadVisibleApplication } from './applications';

const ZParamsSchema = z.object({ id: z.uuid() });
const ZVersionQuerySchema = z.object({ version: z.coerce.number().int().min(1).max(1000).optional() });

/** Stages in which the rejection feedback can still be previewed: scores exist, no decision yet. */
const FEEDBACK_STAGES = new Set(['screening', 'evaluation', 'decision']);

export default async function offerDocumentRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  /** The newest version with a stored document of this kind (the version column only; the bytes are read through the store). */
  async function latestVersion(applicationId: string, kind: TOfferDocumentKind): Promise<number | null> {
    const [row] = await db
      .select({ version: offerDocuments.version })
      .from(offerDocuments)
      .where(and(eq(offerDocuments.applicationId, applicationId), eq(offerDocuments.kind, kind)))
      .orderBy(desc(offerDocuments.version))
      .limit(1);
    return row?.version ?? null;
  }

  async function sendDocument(reply: FastifyReply, applicationId: string, kind: TOfferDocumentKind, asked: number | undefined) {
    const what = kind === 'signed' ? 'signed copy' : 'offer letter';
    const version = asked ?? (await latestVersion(applicationId, kind));
    const doc = version === null ? null : await loadOfferDocument(app, applicationId, version, kind);
    if (!doc) throw new AppError('not_found', asked ? `no ${what} for version ${asked}` : `there is no ${what} yet`);
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="offer-v${doc.version}${kind === 'signed' ? '-signed' : ''}.pdf"`)
      .header('x-content-sha256', doc.sha256)
      .header('cache-control', 'no-store')
      .send(Buffer.from(doc.content));
  }

  for (const kind of ['letter', 'signed'] as const) {
    app.get(
      `/v1/applications/:id/offer/${kind}`,
      {
        // Salary and, for the signed copy, the signature: HR and admins, as for employees' documents.
        onRequest: [authenticate, requireRoles('admin', 'hr')],
        schema: {
          operationId: kind === 'letter' ? 'getOfferLetter' : 'getSignedOffer',
          tags: ['offers'],
          summary: kind === 'letter' ? 'The offer letter as sent to the candidate (PDF)' : "The signed copy of the offer, with the signature's evidence (PDF)",
          description:
            'HR and admins only (403 for other roles; 404 for an application the caller may not see). The newest version that has one unless `version` names another; 404 before there is one. Every read is written to the audit log.',
          params: ZParamsSchema,
          querystring: ZVersionQuerySchema,
          response: { 200: fileOf('The PDF', 'application/pdf'), ...ERROR_RESPONSES },
        },
      },
      async (req, reply) => {
        const row = await loadVisibleApplication(app, req, req.params.id);
        return sendDocument(reply, row.id, kind, req.query.version);
      },
    );
  }

  app.post(
    '/v1/applications/:id/offer/preview',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      // Nothing is stored or started: a repeat renders again.
      config: { idempotencyExempt: true },
      schema: {
        operationId: 'previewOfferLetter',
        tags: ['offers'],
        summary: 'Render the letter a draft would make, without saving anything (PDF)',
        description:
          'The same checks as `PUT /v1/applications/:id/offer` for the draft itself (start date after today, salary positive, in the currency and period of the job’s band: 400 with the field), the letter dated today and valid for the job’s offer expiry. Nothing changes: no version, no message, no workflow step. HR and admins; 404 for an application the caller may not see.',
        params: ZParamsSchema,
        body: ZOfferDraftSchema,
        response: { 200: fileOf('The letter as it would be sent', 'application/pdf'), ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const row = await loadVisibleApplication(app, req, req.params.id);
      if (row.stage === 'erased') throw new AppError('wrong_stage', 'the application was erased');
      const [job] = await db.select({ definition: jobs.definition }).from(jobs).where(eq(jobs.id, row.jobId));
      if (!job) throw new AppError('not_found', 'job not found');
      const settings = await getSettingsCached(db);
      const policy = resolveJobPolicy(job.definition, settings.defaults);
      const now = Date.now();
      const problems = draftProblems(req.body, policy.offer.band, new Date(now).toISOString().slice(0, 10));
      if (problems.length) throw validationFailed(problems.map((p) => ({ ...p })), 'the offer is not valid for this job');
      const pdf = await renderOfferLetter({
        company: {
          name: settings.companyName,
          address: settings.companyAddress,
          ...(settings.logoPngBase64 ? { logoPngBase64: settings.logoPngBase64 } : {}),
        },
        candidate: { name: row.candidateName, locale: localeOf(row.locale) },
        offer: { version: 0, ...req.body, expiresAt: new Date(addDuration(now, policy.timers.offerExpiry)).toISOString() },
        // Dated as the sent letter is (activities/offers: UTC).
        issuedAt: new Date(now).toISOString(),
      }).catch((err: unknown) => {
        // A logo saved before PUT checked it: the settings must change, not the draft.
        if (err instanceof UnreadableLogoError) throw new AppError('conflict', `${err.message}; an admin must replace it (PUT /v1/settings)`);
        throw err;
      });
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', 'inline; filename="offer-preview.pdf"')
        .header('cache-control', 'no-store')
        .send(Buffer.from(pdf.bytes));
    },
  );

  const ZFeedbackItem = z.object({ key: z.string(), name: z.string(), suggestion: z.string().optional() });
  app.post(
    '/v1/applications/:id/decision/feedback-preview',
    {
      onRequest: [authenticate, requireRoles('admin', 'hr')],
      config: { idempotencyExempt: true },
      schema: {
        operationId: 'previewRejectionFeedback',
        tags: ['evaluation'],
        summary: 'The rejection feedback e-mail the candidate would get, without sending it',
        description:
          "Rendered as a rejection would render it: the candidate's strongest and weakest competencies from the composite (or, before evaluations, the match report), in the candidate's language unless `locale` asks for the other. Suggestions come from the job's competency model as it is now. Only before the decision (`screening`, `evaluation`, `decision`; 409 `wrong_stage` otherwise). Nothing is sent or recorded. HR and admins; 404 for an application the caller may not see.",
        params: ZParamsSchema,
        body: z.object({ locale: ZLocaleSchema.optional() }).strict(),
        response: {
          200: z.object({
            locale: ZLocaleSchema,
            subject: z.string(),
            text: z.string(),
            strengths: z.array(ZFeedbackItem),
            improvements: z.array(ZFeedbackItem),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req) => {
      const row = await loadVisibleApplication(app, req, req.params.id);
      if (!FEEDBACK_STAGES.has(row.stage)) throw new AppError('wrong_stage', `no feedback to preview in ${row.stage}: only before the decision`);
      const status = await queryStatus(app, row.id);
      if (!FEEDBACK_STAGES.has(status.stage)) throw new AppError('wrong_stage', `no feedback to preview in ${status.stage}: only before the decision`);
      const [job] = await db.select({ definition: jobs.definition, title: jobs.title }).from(jobs).where(eq(jobs.id, row.jobId));
      const dims = status.report?.dimensions ?? [];
      if (!dims.length) throw new AppError('wrong_stage', 'no scores yet: the match report is not ready');
      // The dimensions as scored at submission; skills and suggestions from the job's model.
      const model = new Map((job?.definition.competencies ?? []).map((c) => [c.key, c]));
      const competencies: TCompetency[] = dims.map((d) => ({
        key: d.key,
        name: d.name,
        weight: d.weight,
        requiredLevel: d.requiredLevel,
        passScore: d.passScore,
        skills: model.get(d.key)?.skills ?? [],
        ...(model.get(d.key)?.suggestion ? { suggestion: model.get(d.key)!.suggestion } : {}),
      }));
      // As the workflow does (workflows/phases/evaluation/steps.ts): composite when there is one, else the AI score.
      const scores = Object.fromEntries(
        (status.composite?.dimensions ?? dims.map((d) => ({ key: d.key, composite: d.score }))).map((d) => [d.key, d.composite]),
      );
      const locale = req.body.locale ?? localeOf(row.locale);
      const feedback = buildFeedback(competencies, scores, locale);
      const settings = await getSettingsCached(db);
      const rendered = renderMessage({
        template: 'rejection_feedback',
        locale,
        channel: 'email',
        data: {
          candidateName: row.candidateName,
          jobTitle: job?.title ?? job?.definition.title ?? '',
          companyName: settings.companyName,
          strengths: feedback.strengths,
          improvements: feedback.improvements,
        },
      });
      if (rendered.channel !== 'email') throw new Error('rejection_feedback renders as e-mail');
      return { locale, subject: rendered.subject, text: rendered.text, strengths: feedback.strengths, improvements: feedback.improvements };
    },
  );
}

const localeOf = (l: string): TLocale => (l === 'zh-CN' ? 'zh-CN' : 'en');
