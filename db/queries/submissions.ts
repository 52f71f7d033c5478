/**
 * Writing submitted applications: every row of a submission (one, or a batch of up to 500)
 * with its interview answers and its payload data key in one statement, so a submission
 * costs one round trip, not one per item. Atomic without a transaction (one statement); a
 * repeated externalId inserts nothing and the caller reads the earlier row
 * (applicationsByExternalId).
 *
 * The statement's text is the same for every submission (the rows travel as three jsonb
 * parameters), so it is prepared once per connection: PostgreSQL does not parse and plan it
 * again for each start, postgres.js sends it in one round trip instead of two, and no query
 * builder assembles it per request. Built by drizzle each time with the rows as values and
 * sent unprepared, it was 5 % of the API's CPU in a profile of the bench's starts, and the
 * data key took a second statement.
 */
import { inArray } from 'drizzle-orm';
import type { DbHandle } from '../client';
import { insertFromJson } from '../json-insert';
import { applications, dataKeys, interviewAnswers } from '../schema';

export type TNewApplication = typeof applications.$inferInsert & { id: string; workflowId: string };
export interface TNewAnswer {
  applicationId: string;
  jobId: string;
  questionId: string;
  skill: string;
  correct: boolean;
  claimedLevel: string | null;
}
/** An application's payload data key, wrapped (privacy/data-keys.ts, DataKeys.newKeys). */
export interface TNewDataKey {
  applicationId: string;
  wrappingKeyId: string;
  wrappedKey: string;
}

const app = insertFromJson(applications, 1, {
  id: 'uuid',
  workflowId: 'text',
  jobId: 'uuid',
  departmentId: 'uuid',
  externalId: 'text',
  requestHash: 'text',
  candidateName: 'text',
  candidateEmail: 'text',
  candidatePhone: 'text',
  locale: 'text',
  resume: 'jsonb',
  interview: 'jsonb',
  accuracy: 'numeric',
});
const ans = insertFromJson(interviewAnswers, 2, {
  applicationId: 'uuid',
  jobId: 'uuid',
  questionId: 'text',
  skill: 'text',
  correct: 'boolean',
  claimedLevel: 'text',
});
const key = insertFromJson(dataKeys, 3, { applicationId: 'uuid', wrappingKeyId: 'text', wrappedKey: 'text' });

/** The one statement of a submission; see the top of the file. */
export const SUBMIT_STATEMENT = `
with inserted as (
  ${app.insert} ${app.select} ${app.from}
  on conflict (${applications.externalId.name}) do nothing
  returning ${applications.id.name} as id, ${applications.createdAt.name} as "createdAt"
), answers as (
  ${ans.insert} ${ans.select} ${ans.from} join inserted on inserted.id = x."applicationId"
), keys as (
  ${key.insert} ${key.select} ${key.from} join inserted on inserted.id = x."applicationId"
  on conflict (${dataKeys.applicationId.name}) do nothing
)
select id, "createdAt" from inserted`;

/**
 * Inserts the applications (skipping any whose externalId exists, also when another
 * submission of it commits meanwhile: the insert waits for it), and the answers and data
 * keys of those inserted. Returns the ids inserted with their creation time.
 */
export async function insertApplications(
  handle: DbHandle,
  rows: TNewApplication[],
  answers: TNewAnswer[],
  keys: TNewDataKey[] = [],
): Promise<Map<string, Date>> {
  if (!rows.length) return new Map();
  const inserted = await handle.prepared<{ id: string; createdAt: Date | string }>(SUBMIT_STATEMENT, [
    JSON.stringify(rows),
    JSON.stringify(answers),
    JSON.stringify(keys),
  ]);
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
