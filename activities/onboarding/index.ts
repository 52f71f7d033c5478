/**
 * Onboarding side effects. The conversion from candidate to employee is one transaction
 * (employee row with its number from a sequence, the application's stage) and is
 * idempotent on the application: a retry or replay returns the employee it created.
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import { formatEmployeeNumber } from '../../domain/onboarding';
import { applications, departments, employees, employeeNumberSeq, type TCourseOutcome, type TTaskOutcome } from '../../db/schema';
import { getSettings } from '../../db/settings';
import { rowsOf } from '../../db/client';
import { writeTransition, type TTransitionFact } from '../../db/queries/transitions';
import type { ActivityDeps } from '../deps';
import { ApplicationNotFoundError } from '../errors';
import { PORTAL_TOKEN_PURPOSE, signToken } from '../../shared/links';
import type { TCandidateSendResult, TSendToCandidateInput } from '../notifications/types';

/** Portal links stay valid this long after the start date. */
const PORTAL_DAYS_AFTER_START = 90;

export function portalUrl(publicUrl: string, secret: string, applicationId: string, startDate: string): string {
  const exp = Math.floor(Date.parse(`${startDate}T00:00:00Z`) / 1000) + PORTAL_DAYS_AFTER_START * 86_400;
  return `${publicUrl}/portal/${signToken(secret, { purpose: PORTAL_TOKEN_PURPOSE, sub: applicationId, exp })}`;
}

export interface TOnboardingDeps extends ActivityDeps {
  sendToCandidate: (input: TSendToCandidateInput) => Promise<TCandidateSendResult>;
}

export interface TEmployeeRef {
  employeeId: string;
  employeeNumber: string;
  mentorUserId: string | null;
  created: boolean;
}

const stageFact = (input: { applicationId: string; stageSeq: number; at?: string; from?: string }, to: string): TTransitionFact => ({
  applicationId: input.applicationId,
  seq: input.stageSeq,
  from: input.from ?? null,
  to,
  at: input.at ?? null,
  actor: null,
  source: 'live',
});

export const createOnboardingActivities = (deps: TOnboardingDeps) => {
  const { db } = deps.db;

  return {
    /**
     * Candidate to employee in one step: the employee (numbered from the sequence) and the
     * application's move to `onboarding` commit together or not at all. The application row
     * is locked first, so concurrent retries wait and then find the employee.
     */
    async convertToEmployee(input: {
      applicationId: string;
      offerVersion: number;
      position: string;
      startDate: string;
      mentorUserId: string | null;
      stageSeq: number;
      /** The change's workflow time and previous stage, for `stage_transitions` (absent from older workflows). */
      at?: string;
      from?: string;
    }): Promise<TEmployeeRef> {
      const ref = await db.transaction(async (tx): Promise<TEmployeeRef> => {
        const [app] = await tx
          .select({
            id: applications.id,
            name: applications.candidateName,
            email: applications.candidateEmail,
            locale: applications.locale,
            departmentId: applications.departmentId,
            jobId: applications.jobId,
          })
          .from(applications)
          .where(eq(applications.id, input.applicationId))
          .for('update');
        if (!app) throw new ApplicationNotFoundError(`application ${input.applicationId} not found`);
        const [existing] = await tx.select().from(employees).where(eq(employees.applicationId, input.applicationId));
        if (existing) {
          return { employeeId: existing.id, employeeNumber: existing.employeeNumber, mentorUserId: existing.mentorUserId, created: false };
        }
        let mentorUserId = input.mentorUserId;
        if (!mentorUserId) {
          const [dept] = await tx
            .select({ managerUserId: departments.managerUserId })
            .from(departments)
            .where(eq(departments.id, app.departmentId));
          mentorUserId = dept?.managerUserId ?? null;
        }
        const [next] = rowsOf<{ seq: string | number }>(
          await tx.execute(sql`select nextval(${employeeNumberSeq.seqName}) as seq`),
        );
        const seqValue = Number(next!.seq);
        const settings = await getSettings(tx);
        const employeeNumber = formatEmployeeNumber(settings.defaults.employeeNumberFormat, seqValue, Number(input.startDate.slice(0, 4)));
        const [row] = await tx
          .insert(employees)
          .values({
            applicationId: input.applicationId,
            employeeNumber,
            sequenceValue: seqValue,
            name: app.name,
            email: app.email,
            locale: app.locale,
            departmentId: app.departmentId,
            jobId: app.jobId,
            position: input.position,
            startDate: input.startDate,
            mentorUserId,
            offerVersion: input.offerVersion,
          })
          .returning({ id: employees.id });
        await tx
          .update(applications)
          .set({ stage: 'onboarding', stageSeq: input.stageSeq, updatedAt: new Date() })
          .where(and(eq(applications.id, input.applicationId), lt(applications.stageSeq, input.stageSeq)));
        return { employeeId: row!.id, employeeNumber, mentorUserId, created: true };
      });
      // After the commit, so a neighbouring write sees it (db/queries/transitions.ts); a crash
      // before this line is healed by the retry, which finds the employee and writes it then.
      await writeTransition(db, stageFact(input, 'onboarding'));
      return ref;
    },

    /** Onboarding complete: the employee becomes active and the application `hired`, together. */
    async completeOnboarding(input: {
      applicationId: string;
      employeeId: string;
      stageSeq: number;
      /** Absent from workflows older than the onboarding report. */
      at?: string;
      from?: string;
      tasks?: TTaskOutcome[];
      courses?: TCourseOutcome[];
    }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(employees)
          .set({
            status: 'active',
            hiredAt: sql`coalesce(${employees.hiredAt}, now())`,
            ...(input.tasks ? { taskOutcomes: input.tasks } : {}),
            ...(input.courses ? { courseOutcomes: input.courses } : {}),
            updatedAt: sql`now()`,
          })
          .where(eq(employees.id, input.employeeId));
        await tx
          .update(applications)
          .set({ stage: 'hired', stageSeq: input.stageSeq, updatedAt: new Date() })
          .where(and(eq(applications.id, input.applicationId), lt(applications.stageSeq, input.stageSeq)));
      });
      await writeTransition(db, stageFact(input, 'hired'));
    },

    /** The welcome notice: start date, what to bring, where, the employee number and the portal link. */
    async sendOnboardingNotice(input: {
      applicationId: string;
      startDate: string;
      employeeNumber: string;
      documentsToBring: string[];
    }): Promise<TCandidateSendResult> {
      const secret = deps.config.linkSigningSecret;
      if (!secret) throw new Error('LINK_SIGNING_SECRET is required for portal links');
      const settings = await getSettings(db);
      return deps.sendToCandidate({
        applicationId: input.applicationId,
        channel: 'email',
        purpose: 'onboarding_notice',
        template: 'onboarding_notice',
        data: {
          startDate: input.startDate,
          officeAddress: settings.companyAddress || settings.companyName,
          documentsToBring: input.documentsToBring,
          portalUrl: portalUrl(deps.config.publicUrl, secret, input.applicationId, input.startDate),
          employeeNumber: input.employeeNumber,
        },
      });
    },

    /** Tells the new hire a document was not accepted, with the reason and their portal link. */
    async sendDocumentRejected(input: {
      applicationId: string;
      documentId: string;
      kind: 'id_copy' | 'diploma' | 'medical_report';
      reason: string;
      startDate: string;
    }): Promise<TCandidateSendResult> {
      const secret = deps.config.linkSigningSecret;
      if (!secret) throw new Error('LINK_SIGNING_SECRET is required for portal links');
      return deps.sendToCandidate({
        applicationId: input.applicationId,
        channel: 'email',
        purpose: `document_rejected:${input.documentId}`,
        template: 'document_rejected',
        data: {
          documentKind: input.kind,
          reason: input.reason,
          portalUrl: portalUrl(deps.config.publicUrl, secret, input.applicationId, input.startDate),
        },
      });
    },
  };
};
