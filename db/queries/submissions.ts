/**
 * Writing submitted applications: every row of a submission (one, or a batch of up to 500)
 * with its interview answers in one statement, so a batch costs one round trip, not one
 * per item. Atomic without a transaction (one statement); a repeated externalId inserts
 * nothing and the caller reads the earlier row (applicationsByExternalId).
 */
import { inArray, sql } from 'drizzle-orm';
import type { DbHandle } from '../client';
import { applications, interviewAnswers } from '../schema';

export type TNewApplication = typeof applications.$inferInsert & { id: string; workflowId: string };
export interface TNewAnswer {
  applicationId: string;
  jobId: string;
  questionId: string;
  skill: string;
  correct: boolean;
  claimedLevel: string | null;
}

/**
 * Inserts the applications (skipping any whose externalId exists, also when another
 * submission of it commits meanwhile: the insert waits for it) and the answers of those
 * inserted. Returns the ids inserted with their creation time.
 */
export async function insertApplications(
  handle: DbHandle,
  rows: TNewApplication[],
  answers: TNewAnswer[],
): Promise<Map<string, Date>> {
  if (!rows.length) return new Map();
  const insert = handle.db
    .insert(applications)
    .values(rows)
    .onConflictDoNothing({ target: applications.externalId })
    .returning({ id: applications.id, createdAt: applications.createdAt });
  const col = (c: { name: string }) => sql.identifier(c.name);
  const a = interviewAnswers;
  const inserted = await handle.rows<{ id: string; createdAt: Date | string }>(sql`
    with inserted as (${insert.getSQL()}),
    answers as (
      insert into ${a} (${col(a.applicationId)}, ${col(a.jobId)}, ${col(a.questionId)}, ${col(a.skill)}, ${col(a.correct)}, ${col(a.claimedLevel)})
      select x."applicationId", x."jobId", x."questionId", x."skill", x."correct", x."claimedLevel"
      from jsonb_to_recordset(${JSON.stringify(answers)}::jsonb)
        as x("applicationId" uuid, "jobId" uuid, "questionId" text, "skill" text, "correct" boolean, "claimedLevel" text)
      join inserted on inserted."id" = x."applicationId"
    )
    select "id", "created_at" as "createdAt" from inserted`);
  return new Map(inserted.map((r) => [r.id, new Date(r.createdAt)]));
}

export type TPriorApplication = Pick<
  typeof applications.$inferSelect,
  'id' | 'externalId' | 'workflowId' | 'stage' | 'requestHash'
>;

/** The applications already submitted under these externalIds, by externalId (one query). */
export async function applicationsByExternalId(
  handle: DbHandle,
  externalIds: string[],
): Promise<Map<string, TPriorApplication>> {
  if (!externalIds.length) return new Map();
  const rows = await handle.db
    .select({
      id: applications.id,
      externalId: applications.externalId,
      workflowId: applications.workflowId,
      stage: applications.stage,
      requestHash: applications.requestHash,
    })
    .from(applications)
    .where(inArray(applications.externalId, externalIds));
  return new Map(rows.map((r) => [r.externalId!, r]));
}

/** Removes applications whose workflow could not be started (their answers go with them). */
export async function deleteApplications(handle: DbHandle, ids: string[]): Promise<void> {
  if (ids.length) await handle.db.delete(applications).where(inArray(applications.id, ids));
}
