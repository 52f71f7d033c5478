/**
 * What a candidate reaches with the signed link from their offer e-mail: the offer page,
 * the offer as JSON, the letter, and accepting (typed-name e-signature) or declining.
 * The token is bound to one application and one offer version and expires with it; an
 * older version's link says the offer was superseded and cannot be accepted (409).
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadOfferDocument } from '../../db/queries/offers';
import { OFFER_TOKEN_PURPOSE, verifyToken } from '../../shared/links';
import type { TLocale } from '../../domain/contracts/common';
import { applications } from '../../db/schema';
import { getSettings } from '../../db/settings';
import { candidateResponseUpdate, offerViewedSignal, type TOfferVersion } from '../../workflows/messages';
import { AppError, toAppError, ZErrorResponseSchema } from '../errors';
import { messagePage, offerPage } from '../pages/offer-page';
import { applicationHandle, queryStatus, runUpdate, withTemporalDeadline } from '../workflow-client';
import { TOKEN_REFUSALS, ZCandidateResponseResultSchema, fileOf, htmlPage, htmlPageOrError, zOpen } from '../response-schemas';

const CANDIDATE_RATE = { rateLimit: { max: 60, timeWindow: '1 minute' } };
const ZTokenQuerySchema = z.object({ token: z.string().min(1).max(1000) });
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ResolvedOffer {
  applicationId: string;
  version: number;
  tokenExpired: boolean;
  locale: TLocale;
  candidateName: string;
  offer: TOfferVersion;
  current: TOfferVersion;
}

export default async function candidateRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  /** Checks the link and finds its offer version; throws AppError for a bad link. */
  async function resolve(token: string): Promise<ResolvedOffer> {
    // Verify signature and purpose first, expiry separately: an expired link is a 409, not a 401.
    const payload = verifyToken(app.config.linkSigningSecret, token, OFFER_TOKEN_PURPOSE, 0);
    if (!payload || payload.v === undefined || !UUID_RE.test(payload.sub)) {
      throw new AppError('unauthorized', 'this offer link is not valid');
    }
    const [row] = await app.db.db
      .select({ name: applications.candidateName, locale: applications.locale, erasedAt: applications.erasedAt })
      .from(applications)
      .where(eq(applications.id, payload.sub));
    // An erased application's links are dead, whatever their signature says.
    if (!row || row.erasedAt) throw new AppError('unauthorized', 'this offer link is not valid');
    const status = await queryStatus(app, payload.sub);
    const offer = status.offer.versions.find((v) => v.version === payload.v);
    const current = status.offer.current;
    if (!offer || !current) throw new AppError('unauthorized', 'this offer link is not valid');
    return {
      applicationId: payload.sub,
      version: offer.version,
      tokenExpired: payload.exp !== undefined && Date.now() >= payload.exp * 1000,
      locale: row.locale === 'zh-CN' ? 'zh-CN' : 'en',
      candidateName: row.name,
      offer,
      current,
    };
  }

  /** 409 for an offer that can no longer be answered or shown as current. */
  function assertOpen(r: ResolvedOffer) {
    if (r.offer.response) return;
    if (r.offer.version !== r.current.version || r.offer.status === 'superseded') {
      throw new AppError('stale_version', `offer v${r.offer.version} was superseded by a newer version`);
    }
    if (r.offer.status === 'expired' || r.tokenExpired) throw new AppError('wrong_stage', 'this offer has expired');
  }

  async function noteViewed(r: ResolvedOffer) {
    if (r.offer.status !== 'sent') return;
    await withTemporalDeadline(app, () =>
      applicationHandle(app, r.applicationId).signal(offerViewedSignal, { version: r.version, via: 'page', at: new Date().toISOString() }),
    ).catch((e: unknown) => app.log.warn({ err: e }, 'could not record an offer view'));
  }

  const evidence = (req: FastifyRequest) => ({
    ip: req.ip,
    userAgent: String(req.headers['user-agent'] ?? 'unknown').slice(0, 500),
  });

  const links = (token: string) => ({
    pdfUrl: `/v1/candidate/offer.pdf?token=${encodeURIComponent(token)}`,
    signedPdfUrl: `/v1/candidate/offer.pdf?token=${encodeURIComponent(token)}&copy=signed`,
  });

  app.get(
    '/v1/candidate/offer',
    {
      config: CANDIDATE_RATE,
      schema: { operationId: 'getCandidateOffer', response: { 200: zOpen({ company: z.object({ name: z.string(), address: z.string() }), candidateName: z.string(), version: z.number().int(), status: z.string(), expiresAt: z.string().nullable(), letterSha256: z.string().nullable(), response: z.object({ kind: z.string(), at: z.string() }).nullable(), pdfUrl: z.string(), signedPdfUrl: z.string() }), ...TOKEN_REFUSALS }, tags: ['candidates'], summary: 'The offer of this link, as JSON', security: [], querystring: ZTokenQuerySchema },
    },
    async (req) => {
      const r = await resolve(req.query.token);
      assertOpen(r);
      await noteViewed(r);
      const settings = await getSettings(app.db.db);
      return {
        company: { name: settings.companyName, address: settings.companyAddress },
        candidateName: r.candidateName,
        version: r.offer.version,
        status: r.offer.status === 'sent' ? 'viewed' : r.offer.status,
        ...r.offer.offer,
        expiresAt: r.offer.expiresAt,
        letterSha256: r.offer.letter?.sha256 ?? null,
        response: r.offer.response ? { kind: r.offer.response.kind, at: r.offer.response.at } : null,
        ...links(req.query.token),
      };
    },
  );

  app.get(
    '/v1/candidate/offer.pdf',
    {
      config: CANDIDATE_RATE,
      schema: { operationId: 'getCandidateOfferPdf', response: { 200: fileOf('The PDF', 'application/pdf'), ...TOKEN_REFUSALS },
        tags: ['candidates'],
        summary: 'The offer letter (or, once accepted, the signed copy with copy=signed)',
        security: [],
        querystring: ZTokenQuerySchema.extend({ copy: z.enum(['letter', 'signed']).default('letter') }),
      },
    },
    async (req, reply) => {
      const r = await resolve(req.query.token);
      if (!(req.query.copy === 'signed' && r.offer.response?.kind === 'accepted')) assertOpen(r);
      const kind = req.query.copy === 'signed' ? 'signed' : 'letter';
      const doc = await loadOfferDocument(app, r.applicationId, r.version, kind);
      if (!doc) throw new AppError('not_found', kind === 'signed' ? 'there is no signed copy yet' : 'the letter is not ready yet');
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="offer-v${r.version}${kind === 'signed' ? '-signed' : ''}.pdf"`)
        .header('x-content-sha256', doc.sha256)
        .send(Buffer.from(doc.content));
    },
  );

  const ZAcceptSchema = z.object({
    signatureName: z.string().trim().min(1).max(200),
    consent: z.literal(true, { error: 'you must consent to sign electronically' }),
  });

  app.post(
    '/v1/candidate/offer/accept',
    {
      config: CANDIDATE_RATE,
      schema: { operationId: 'acceptOffer', response: { 200: ZCandidateResponseResultSchema, ...TOKEN_REFUSALS },
        tags: ['candidates'],
        summary: 'Accept the offer with a typed-name e-signature',
        description: 'The name must match the candidate’s. Accepting twice is harmless; an expired or superseded offer is a 409.',
        security: [],
        querystring: ZTokenQuerySchema,
        body: ZAcceptSchema,
      },
    },
    async (req) => {
      const r = await resolve(req.query.token);
      assertOpen(r);
      return runUpdate(app, req, r.applicationId, candidateResponseUpdate, {
        version: r.version,
        kind: 'accept',
        signatureName: req.body.signatureName,
        ...evidence(req),
      });
    },
  );

  app.post(
    '/v1/candidate/offer/decline',
    {
      config: CANDIDATE_RATE,
      schema: { operationId: 'declineOffer', response: { 200: ZCandidateResponseResultSchema, ...TOKEN_REFUSALS },
        tags: ['candidates'],
        summary: 'Decline the offer',
        security: [],
        querystring: ZTokenQuerySchema,
        body: z.object({ reason: z.string().trim().max(2000).optional() }),
      },
    },
    async (req) => {
      const r = await resolve(req.query.token);
      assertOpen(r);
      return runUpdate(app, req, r.applicationId, candidateResponseUpdate, {
        version: r.version,
        kind: 'decline',
        ...(req.body.reason ? { reason: req.body.reason } : {}),
        ...evidence(req),
      });
    },
  );

  // ---- The HTML page ----
  const ZPageParamsSchema = z.object({ token: z.string().min(1).max(1000) });

  async function renderPage(reply: FastifyReply, token: string, error?: string, status = 200) {
    // Error pages, like the offer itself, are neither cached nor leak the link as a referrer.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    let r: ResolvedOffer;
    try {
      r = await resolve(token);
    } catch (e) {
      const err = toAppError(e);
      if (err?.code === 'unauthorized') return reply.status(401).type('text/html').send(messagePage('en', 'invalid', 'invalid'));
      throw e;
    }
    if (!r.offer.response) {
      if (r.offer.version !== r.current.version || r.offer.status === 'superseded') {
        return reply.status(409).type('text/html').send(messagePage(r.locale, 'superseded', 'superseded'));
      }
      if (r.offer.status === 'expired' || r.tokenExpired) {
        return reply.status(410).type('text/html').send(messagePage(r.locale, 'expired', 'expired'));
      }
    }
    await noteViewed(r);
    const settings = await getSettings(app.db.db);
    return reply
      .status(status)
      .type('text/html')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(
        offerPage({
          locale: r.locale,
          companyName: settings.companyName,
          candidateName: r.candidateName,
          offer: r.offer,
          ...links(token),
          formAction: `/offers/${token}`,
          ...(error ? { error } : {}),
        }),
      );
  }

  app.get(
    '/offers/:token',
    {
      config: CANDIDATE_RATE,
      schema: { operationId: 'offerPage', response: { 200: htmlPage('The offer'), 401: htmlPageOrError('The link is not valid'), 409: htmlPageOrError('Superseded by a newer offer'), 410: htmlPage('The offer expired') }, tags: ['candidates'], summary: 'The offer page (HTML)', security: [], params: ZPageParamsSchema },
    },
    async (req, reply) => renderPage(reply, req.params.token),
  );

  app.post(
    '/offers/:token',
    {
      config: CANDIDATE_RATE,
      schema: { operationId: 'offerPageAction', response: { 200: htmlPage('The offer, with its response'), 400: htmlPageOrError('The form was not filled in right'), 401: htmlPageOrError('The link is not valid'), 403: ZErrorResponseSchema, 409: htmlPageOrError('Superseded by a newer offer'), 410: htmlPage('The offer expired') },
        tags: ['candidates'],
        summary: 'The offer page’s form: accept (typed name + consent) or decline',
        security: [],
        params: ZPageParamsSchema,
        body: z.object({
          action: z.enum(['accept', 'decline']),
          signatureName: z.string().max(200).optional(),
          consent: z.string().max(10).optional(),
          reason: z.string().max(2000).optional(),
        }),
      },
    },
    async (req, reply) => {
      const { token } = req.params;
      let r: ResolvedOffer;
      try {
        r = await resolve(token);
        assertOpen(r);
      } catch {
        return renderPage(reply, token);
      }
      const zh = r.locale === 'zh-CN';
      if (req.body.action === 'accept' && req.body.consent !== 'true') {
        return renderPage(reply, token, zh ? '请勾选同意电子签署。' : 'Please tick the box to consent to signing electronically.', 400);
      }
      try {
        await runUpdate(app, req, r.applicationId, candidateResponseUpdate, {
          version: r.version,
          kind: req.body.action,
          ...(req.body.action === 'accept' ? { signatureName: (req.body.signatureName ?? '').trim() } : {}),
          ...(req.body.action === 'decline' && req.body.reason?.trim() ? { reason: req.body.reason.trim() } : {}),
          ...evidence(req),
        });
      } catch (e) {
        const err = toAppError(e);
        if (err?.code === 'validation_failed') {
          return renderPage(reply, token, zh ? '输入的姓名与录用通知上的姓名不一致。' : 'The name you typed does not match the name on the offer.', 400);
        }
        if (err && err.status < 500) return renderPage(reply, token);
        throw e;
      }
      return renderPage(reply, token);
    },
  );
}
