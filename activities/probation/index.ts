/**
 * Probation's side effect on the employee: the final review's stage change and the
 * employee's status commit together. Ending the probation ends the employment
 * (status `ended`); a confirmation keeps the employee active. Idempotent: a retry writes
 * the same values, and a late write never overwrites a newer stage (stage_seq).
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import { applications, employees } from '../../db/schema';
import { writeTransition } from '../../db/queries/transitions';
import type { ActivityDeps } from '../deps';

export const createProbationActivities = ({ db: handle }: ActivityDeps) => ({
  async concludeProbation(input: {
    applicationId: string;
    employeeId: string;
    stage: 'confirmed' | 'probation_failed';
    stageSeq: number;
    at: string;
    from: string;
    actor: { id: string; name: string };
  }): Promise<void> {
    await handle.db.transaction(async (tx) => {
      await tx
        .update(employees)
        .set({ status: input.stage === 'confirmed' ? 'active' : 'ended', updatedAt: sql`now()` })
        .where(eq(employees.id, input.employeeId));
      await tx
        .update(applications)
        .set({ stage: input.stage, stageSeq: input.stageSeq, updatedAt: new Date() })
        .where(and(eq(applications.id, input.applicationId), lt(applications.stageSeq, input.stageSeq)));
    });
    await writeTransition(handle.db, {
      applicationId: input.applicationId,
      seq: input.stageSeq,
      from: input.from,
      to: input.stage,
      at: input.at,
      actor: input.actor,
      source: 'live',
    });
  },
});
