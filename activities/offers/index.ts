/**
 * Offer side effects: resolving the approval chain from the organisation, mirroring
 * versions and pending approvals into the database, rendering the letter, sending it
 * with a signed link, and storing the signed copy with its evidence. Each is idempotent:
 * keyed by (application, version[, kind]) so a retry finds what the first attempt made.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { TOfferDraft } from '../../domain/contracts/offer';
import type { TSalaryBand, TApprovalLevel } from '../../domain/contracts/job';
import { resolveApprovalChain, type TResolvedLevel } from '../../domain/offers';
import {
  applications,
  approvalItems,
  departments,
  offerDocuments,
  offerSignatures,
  offerVersions,
} from '../../db/schema';
import { loadOfferDocument, offerDocumentRow, type TOfferDocumentKind } from '../../db/queries/offers';
import { getSettings } from '../../db/settings';
import type { ActivityDeps } from '../deps';
import { ApplicationNotFoundError } from '../errors';
import { OFFER_TOKEN_PURPOSE, signToken } from '../../shared/links';
import type { TCandidateSendResult, TSendToCandidateInput } from '../notifications/types';
import { renderOfferLetter, renderSignedCopy } from './pdf';


/** The candidate's link to a version of their offer; it expires with the offer. */
export function offerUrl(
  publicUrl: string,
  secret: string,
  applicationId: string,
  version: number,
  expiresAt: string,
): string {
  const token = signToken(secret, {
    purpose: OFFER_TOKEN_PURPOSE,
    sub: applicationId,
    v: version,
    exp: Math.floor(Date.parse(expiresAt) / 1000),
  });
  return `${publicUrl}/offers/${token}`;
}

export interface TOfferDeps extends ActivityDeps {
  sendToCandidate: (input: TSendToCandidateInput) => Promise<TCandidateSendResult>;
}

export const createOfferActivities = (deps: TOfferDeps) => {
  const { db } = deps.db;

  async function candidateOf(applicationId: string) {
    const [row] = await db
      .select({
        name: applications.candidateName,
        locale: applications.locale,
        departmentId: applications.departmentId,
      })
      .from(applications)
      .where(eq(applications.id, applicationId));
    if (!row) throw new ApplicationNotFoundError(`application ${applicationId} not found`);
    return row;
  }

  const findDoc = (applicationId: string, version: number, kind: TOfferDocumentKind) =>
    loadOfferDocument(deps, applicationId, version, kind);

  return {
    /** The approval levels for a draft: the job's chain or the department manager then the general manager. */
    async resolveOfferApprovalChain(input: {
      applicationId: string;
      draft: TOfferDraft;
      band: TSalaryBand;
      approvalChain?: TApprovalLevel[] | undefined;
      aboveBandApproverUserId?: string | undefined;
    }): Promise<TResolvedLevel[]> {
      const app = await candidateOf(input.applicationId);
      const [dept] = await db
        .select({ managerUserId: departments.managerUserId })
        .from(departments)
        .where(eq(departments.id, app.departmentId));
      const settings = await getSettings(db);
      return resolveApprovalChain({
        approvalChain: input.approvalChain,
        aboveBandApproverUserId: input.aboveBandApproverUserId,
        band: input.band,
        draft: input.draft,
        departmentManagerId: dept?.managerUserId ?? null,
        generalManagerId: settings.generalManagerUserId ?? null,
      });
    },

    /** Upserts the approval mirror of one offer version; other versions' pending items are cancelled. */
    async syncApprovalItems(input: {
      applicationId: string;
      version: number;
      items: {
        level: number;
        userId: string;
        status: 'pending' | 'approved' | 'rejected' | 'delegated' | 'cancelled';
        dueAt: string | null;
        /** Absent from workflows older than the approvals report. */
        requestedAt?: string | null;
        decidedAt?: string | null;
        comment?: string | null;
      }[];
    }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(approvalItems)
          .set({ status: 'cancelled', updatedAt: new Date() })
          .where(
            and(
              eq(approvalItems.applicationId, input.applicationId),
              eq(approvalItems.status, 'pending'),
              sql`${approvalItems.version} <> ${input.version}`,
            ),
          );
        for (const item of input.items) {
          const dueAt = item.dueAt ? new Date(item.dueAt) : null;
          const decided = {
            ...(item.requestedAt ? { requestedAt: new Date(item.requestedAt) } : {}),
            decidedAt: item.decidedAt ? new Date(item.decidedAt) : null,
            comment: item.comment ?? null,
          };
          await tx
            .insert(approvalItems)
            .values({
              applicationId: input.applicationId,
              version: input.version,
              level: item.level,
              userId: item.userId,
              status: item.status,
              dueAt,
              ...decided,
            })
            .onConflictDoUpdate({
              target: [
                approvalItems.applicationId,
                approvalItems.version,
                approvalItems.level,
                approvalItems.userId,
              ],
              set: {
                status: item.status,
                dueAt,
                updatedAt: new Date(),
                ...(item.decidedAt !== undefined ? decided : {}),
              },
            });
        }
      });
    },

    /** Mirrors an offer version's state. */
    async recordOfferVersion(input: {
      applicationId: string;
      version: number;
      status: string;
      offer: TOfferDraft;
      sentAt: string | null;
      expiresAt: string | null;
      /** Absent from workflows older than the offers report. */
      viewedAt?: string | null;
      remindedAt?: string | null;
      respondedAt?: string | null;
    }): Promise<void> {
      const time = (v: string | null | undefined) => (v ? new Date(v) : null);
      const set = {
        status: input.status,
        offer: input.offer,
        sentAt: time(input.sentAt),
        expiresAt: time(input.expiresAt),
        ...(input.viewedAt !== undefined ? { viewedAt: time(input.viewedAt), remindedAt: time(input.remindedAt), respondedAt: time(input.respondedAt) } : {}),
        updatedAt: new Date(),
      };
      await db
        .insert(offerVersions)
        .values({ applicationId: input.applicationId, version: input.version, ...set })
        .onConflictDoUpdate({ target: [offerVersions.applicationId, offerVersions.version], set });
    },

    /** Renders and stores the letter of a version once; a retry returns the stored one. */
    async renderOffer(input: {
      applicationId: string;
      version: number;
      offer: TOfferDraft;
      expiresAt: string;
      issuedAt: string;
    }): Promise<{ documentId: string; sha256: string }> {
      const existing = await findDoc(input.applicationId, input.version, 'letter');
      if (existing) return { documentId: existing.id, sha256: existing.sha256 };
      const candidate = await candidateOf(input.applicationId);
      const settings = await getSettings(db);
      const pdf = await renderOfferLetter({
        company: {
          name: settings.companyName,
          address: settings.companyAddress,
          ...(settings.logoPngBase64 ? { logoPngBase64: settings.logoPngBase64 } : {}),
        },
        candidate: { name: candidate.name, locale: candidate.locale === 'zh-CN' ? 'zh-CN' : 'en' },
        offer: { version: input.version, ...input.offer, expiresAt: input.expiresAt },
        issuedAt: input.issuedAt,
      });
      // Encrypted at rest (db/queries/offers.ts): the row holds ciphertext, the sha256 is the PDF's.
      await db
        .insert(offerDocuments)
        .values(offerDocumentRow(deps, { applicationId: input.applicationId, version: input.version, kind: 'letter', sha256: pdf.sha256, bytes: pdf.bytes }))
        .onConflictDoNothing();
      const row = (await findDoc(input.applicationId, input.version, 'letter'))!;
      return { documentId: row.id, sha256: row.sha256 };
    },

    /** The offer e-mails: sent (or re-issued), the reminder (e-mail and SMS) and the expiry notice. */
    async sendOfferMessage(input: {
      applicationId: string;
      version: number;
      kind: 'sent' | 'reminder' | 'expired';
      position: string;
      expiresAt: string;
      revised?: boolean;
    }): Promise<TCandidateSendResult[]> {
      const secret = deps.config.linkSigningSecret;
      if (!secret) throw new Error('LINK_SIGNING_SECRET is required to send offers');
      const url = offerUrl(
        deps.config.publicUrl,
        secret,
        input.applicationId,
        input.version,
        input.expiresAt,
      );
      const base = { applicationId: input.applicationId, version: input.version };
      if (input.kind === 'sent') {
        return [
          await deps.sendToCandidate({
            ...base,
            channel: 'email',
            purpose: `offer_sent:v${input.version}`,
            template: 'offer_sent',
            data: {
              position: input.position,
              offerUrl: url,
              expiresAt: input.expiresAt,
              version: input.version,
              revised: input.revised ?? false,
            },
          }),
        ];
      }
      if (input.kind === 'reminder') {
        const data = {
          position: input.position,
          offerUrl: url,
          expiresAt: input.expiresAt,
          version: input.version,
        };
        const purpose = `offer_reminder:v${input.version}`;
        return [
          await deps.sendToCandidate({
            ...base,
            channel: 'email',
            purpose,
            template: 'offer_reminder',
            data,
          }),
          await deps.sendToCandidate({ ...base, channel: 'sms', purpose, template: 'offer_reminder', data }),
        ];
      }
      return [
        await deps.sendToCandidate({
          ...base,
          channel: 'email',
          purpose: `offer_expired:v${input.version}`,
          template: 'offer_expired',
          data: { position: input.position, expiredAt: input.expiresAt },
        }),
      ];
    },

    /**
     * The signed copy: the letter plus a signature page, stored with the evidence in one
     * transaction. A retry (or a second acceptance) returns what the first stored.
     */
    async signOffer(input: {
      applicationId: string;
      version: number;
      signatureName: string;
      signedAt: string;
      ip: string;
      userAgent: string;
    }): Promise<{ documentId: string; signedSha256: string; originalSha256: string }> {
      const where = and(
        eq(offerSignatures.applicationId, input.applicationId),
        eq(offerSignatures.version, input.version),
      );
      const [done] = await db.select().from(offerSignatures).where(where);
      if (done)
        return {
          documentId: done.signedDocumentId,
          signedSha256: done.signedSha256,
          originalSha256: done.originalSha256,
        };
      const letter = await findDoc(input.applicationId, input.version, 'letter');
      if (!letter)
        throw new ApplicationNotFoundError(`no offer letter v${input.version} for ${input.applicationId}`);
      const candidate = await candidateOf(input.applicationId);
      const signed = await renderSignedCopy(letter.content, {
        signatureName: input.signatureName,
        signedAt: input.signedAt,
        ip: input.ip,
        userAgent: input.userAgent,
        originalSha256: letter.sha256,
        offerVersion: input.version,
        locale: candidate.locale === 'zh-CN' ? 'zh-CN' : 'en',
      });
      await db.transaction(async (tx) => {
        await tx
          .insert(offerDocuments)
          .values(offerDocumentRow(deps, { applicationId: input.applicationId, version: input.version, kind: 'signed', sha256: signed.sha256, bytes: signed.bytes }))
          .onConflictDoNothing();
        const [doc] = await tx
          .select({ id: offerDocuments.id, sha256: offerDocuments.sha256 })
          .from(offerDocuments)
          .where(
            and(
              eq(offerDocuments.applicationId, input.applicationId),
              eq(offerDocuments.version, input.version),
              eq(offerDocuments.kind, 'signed'),
            ),
          );
        await tx
          .insert(offerSignatures)
          .values({
            applicationId: input.applicationId,
            version: input.version,
            signatureName: input.signatureName,
            signedAt: new Date(input.signedAt),
            ip: input.ip,
            userAgent: input.userAgent,
            originalSha256: letter.sha256,
            signedSha256: doc!.sha256,
            signedDocumentId: doc!.id,
          })
          .onConflictDoNothing();
      });
      const [row] = await db.select().from(offerSignatures).where(where);
      return {
        documentId: row!.signedDocumentId,
        signedSha256: row!.signedSha256,
        originalSha256: row!.originalSha256,
      };
    },
  };
};

/** Offer errors that no retry can cure (bad letter input, a letter whose hash changed). */
export const OFFER_NON_RETRYABLE_ERRORS = ['OfferLetterInputError', 'SignedCopyMismatchError'];
