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
import { getTableName, inArray } from 'drizzle-orm';
import type { DbHandle } from '../client';
import { insertFromJson } from '../json-insert';
import { apiKeys, applications, dataKeys, interviewAnswers, users } from '../schema';

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

/**
 * An API key the caller took from its cache (api/auth.ts, authenticateCheckedInWrite), for
 * the statement to check in the snapshot it inserts in: unrevoked, unexpired, its user active
 * and holding one of `roles`.
 */
export interface TKeyCheck {
  keyId: string;
  roles: readonly string[];
}

/** `$4`: null, or a TKeyCheck, which must hold for anything to be inserted. */
const KEY_CHECK = `
select $4::jsonb is null as unchecked, (
  select u.${users.name.name} from ${getTableName(apiKeys)} k join ${getTableName(users)} u on u.${users.id.name} = k.${apiKeys.userId.name}
  where k.${apiKeys.id.name} = ($4::jsonb ->> 'keyId')::uuid
    and k.${apiKeys.revokedAt.name} is null
    and (k.${apiKeys.expiresAt.name} is null or k.${apiKeys.expiresAt.name} > now())
    and u.${users.active.name}
    and u.${users.roles.name} && array(select jsonb_array_elements_text($4::jsonb -> 'roles'))
) as "userName"`;

/** The one statement of a submission; see the top of the file. */
export const SUBMIT_STATEMENT = `
with key_check as (${KEY_CHECK}
), inserted as (
  ${app.insert} ${app.select} ${app.from}
  where (select unchecked or "userName" is not null from key_check)
  on conflict (${applications.externalId.name}) do nothing
  returning ${applications.id.name} as id, ${applications.createdAt.name} as "createdAt"
), answers as (
  ${ans.insert} ${ans.select} ${ans.from} join inserted on inserted.id = x."applicationId"
), keys as (
  ${key.insert} ${key.select} ${key.from} join inserted on inserted.id = x."applicationId"
  on conflict (${dataKeys.applicationId.name}) do nothing
)
select id, "createdAt", null as "userName" from inserted
union all
select null, null, "userName" from key_check where not unchecked`;

/**
 * Inserts the applications (skipping any whose externalId exists, also when another
 * submission of it commits meanwhile: the insert waits for it), and the answers and data
 * keys of those inserted. Returns the ids inserted with their creation time and, given a
 * `keyCheck`, the key's user's current name when the key held (nothing was inserted when
 * it did not: `keyUser` is null).
 */
export async function insertApplications(
  handle: DbHandle,
  rows: TNewApplication[],
  answers: TNewAnswer[],
  keys: TNewDataKey[] = [],
  keyCheck?: TKeyCheck,
): Promise<{ inserted: Map<string, Date>; keyUser?: string | null }> {
  if (!rows.length) return { inserted: new Map() };
  const result = await handle.prepared<{ id: string | null; createdAt: Date | string | null; userName: string | null }>(SUBMIT_STATEMENT, [
    JSON.stringify(rows),
    JSON.stringify(answers),
    JSON.stringify(keys),
    keyCheck ? JSON.stringify({ keyId: keyCheck.keyId, roles: keyCheck.roles }) : null,
  ]);
  const inserted = new Map<string, Date>();
  let keyUser: string | null | undefined;
  for (const r of result) {
    if (r.id !== null) inserted.set(r.id, new Date(r.createdAt!));
    // The key check's row: the user's name (never null) when the key held.
    else keyUser = r.userName;
  }
  return keyCheck ? { inserted, keyUser: keyUser ?? null } : { inserted };
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
