import { and, eq, lt, sql } from 'drizzle-orm';
import type { TStage } from '../domain/contracts/application';
import type { TCompetency } from '../domain/contracts/job';
import { findDiscrepancies, type TDiscrepancy } from '../domain/discrepancies';
import { buildMatchReport, type TMatchReport } from '../domain/scoring';
import { applications, matchReports } from '../db/schema';
import { writeTransition } from '../db/queries/transitions';
import type { TDimensionOutcome, TDiscrepancyOutcome } from '../db/schema';
import type { ActivityDeps } from './deps';
import { ApplicationNotFoundError } from './errors';

export interface TCheckInput {
  applicationId: string;
  competencies: TCompetency[];
}

export interface TRecordStageInput {
  applicationId: string;
  stage: TStage;
  seq: number;
  from?: TStage;
  /** Workflow time of the change, the same as its timeline entry's. */
  at?: string;
  actor?: 'system' | { id: string; name: string };
  decisionDueAt?: string;
  discrepancies?: TDiscrepancyOutcome[];
}

export const createApplicationActivities = ({ db: { db }, now }: ActivityDeps) => {
  async function loadData(applicationId: string) {
    const [row] = await db
      .select({ resume: applications.resume, interview: applications.interview })
      .from(applications)
      .where(eq(applications.id, applicationId));
    if (!row) throw new ApplicationNotFoundError(`application ${applicationId} not found`);
    return row;
  }

  return {
    /** The two-way check of resume and interview. Read-only, so retries are harmless. */
    async checkApplication({ applicationId, competencies }: TCheckInput): Promise<TDiscrepancy[]> {
      const { resume, interview } = await loadData(applicationId);
      return findDiscrepancies({ resume, interview, competencies });
    },

    /** Scores the application and stores its match report; an upsert, so a retry rewrites the same row. */
    async screenApplication({ applicationId, competencies }: TCheckInput): Promise<TMatchReport> {
      const { resume, interview } = await loadData(applicationId);
      const report = buildMatchReport(competencies, resume, interview);
      await db.transaction(async (tx) => {
        await tx
          .insert(matchReports)
          .values({ applicationId, report })
          .onConflictDoUpdate({ target: matchReports.applicationId, set: { report, createdAt: now() } });
        await tx
          .update(applications)
          .set({ matchScore: report.matchScore, aiScore: report.aiScore, updatedAt: now() })
          .where(eq(applications.id, applicationId));
      });
      return report;
    },

    /** Mirrors human and composite scores, so the ranking orders by the composite. */
    async recordScores(input: {
      applicationId: string;
      humanScore: number | null;
      compositeScore: number | null;
      /** Absent from workflows older than the hiring-quality report. */
      dimensions?: TDimensionOutcome[];
    }): Promise<void> {
      await db
        .update(applications)
        .set({
          humanScore: input.humanScore,
          compositeScore: input.compositeScore,
          ...(input.dimensions ? { scoreDimensions: input.dimensions } : {}),
          updatedAt: now(),
        })
        .where(eq(applications.id, input.applicationId));
    },

    /**
     * Mirrors the workflow's stage into the database for lists, and records the change in
     * `stage_transitions` for reports. `from`, `at`, `actor` and `decisionDueAt` are absent
     * only in writes scheduled by workflows from before they were passed.
     */
    async recordStage(input: TRecordStageInput): Promise<void> {
      const { applicationId, stage, seq } = input;
      await db
        .update(applications)
        .set({
          stage,
          stageSeq: seq,
          updatedAt: now(),
          ...(input.decisionDueAt ? { decisionDueAt: sql`coalesce(${applications.decisionDueAt}, ${input.decisionDueAt}::timestamptz)` } : {}),
          ...(input.discrepancies ? { discrepancies: input.discrepancies } : {}),
        })
        .where(and(eq(applications.id, applicationId), lt(applications.stageSeq, seq)));
      await writeTransition(db, {
        applicationId,
        seq,
        from: input.from ?? null,
        to: stage,
        at: input.at ?? null,
        actor: input.actor && input.actor !== 'system' ? input.actor : null,
        source: 'live',
      });
    },
  };
};
