/**
 * Erasure in the database: every personal field held about one candidate is replaced by
 * ERASED, in one transaction. Kept: ids, counts, stages and dates (reports), with nothing
 * that leads back to the person. Repeating it changes nothing more.
 *
 * Where personal data is (docs/personal-data.md): applications (name, e-mail, phone,
 * resume, interview, external id, request hash), match reports (evidence quoted from the
 * resume), messages (recipient, subject, bodies), idempotency responses and webhook event
 * payloads (which may echo any of it), offers (the terms, the letter and signed copy, the
 * signature's name, IP and user agent), the employee row and its uploaded documents.
 * interview_answers hold only question ids, skills and right/wrong: they stay for the
 * question statistics.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type DbHandle } from '../client';

export const ERASED = '[erased]';
/** Above any stage sequence a workflow reaches: a late mirror write cannot bring a stage back. */
const ERASED_STAGE_SEQ = 2_147_483_647;

export interface TErasureTarget {
  id: string;
  stage: string;
  erasedAt: Date | null;
  candidateName: string;
  candidateEmail: string;
  candidatePhone: string | null;
  employeeStatus: string | null;
}

export async function erasureTarget(db: DbHandle, applicationId: string): Promise<TErasureTarget | undefined> {
  const [row] = await db.rows<{
    id: string;
    stage: string;
    erased_at: Date | string | null;
    candidate_name: string;
    candidate_email: string;
    candidate_phone: string | null;
    employee_status: string | null;
  }>(sql`
    select a.id, a.stage, a.erased_at, a.candidate_name, a.candidate_email, a.candidate_phone, e.status as employee_status
    from applications a left join employees e on e.application_id = a.id where a.id = ${applicationId}`);
  if (!row) return undefined;
  return {
    id: row.id,
    stage: row.stage,
    erasedAt: row.erased_at ? new Date(row.erased_at) : null,
    candidateName: row.candidate_name,
    candidateEmail: row.candidate_email,
    candidatePhone: row.candidate_phone,
    employeeStatus: row.employee_status,
  };
}

/**
 * Text to look for where rows are not keyed by the application. The name only where no
 * application is named (another candidate may share it); the id, e-mail and phone are
 * this candidate's alone.
 */
function needles(t: TErasureTarget, withName: boolean): string[] {
  return [t.id, t.candidateEmail, t.candidatePhone, withName ? t.candidateName : null].filter(
    (n): n is string => !!n && n !== ERASED && n.length >= 3,
  );
}

const likeAny = (column: ReturnType<typeof sql>, words: string[]) =>
  sql.join(
    words.map((w) => sql`${column} ilike ${`%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`),
    sql` or `,
  );

/**
 * Scrubs the database; returns the storage keys of documents that were the candidate's,
 * for the caller to delete the files no other row uses (after the commit).
 */
export async function scrubApplication(db: DbHandle, t: TErasureTarget): Promise<{ storageKeys: string[] }> {
  const id = t.id;
  const words = needles(t, true);
  const exact = needles(t, false);
  return db.db.transaction(async (tx) => {
    const run = (q: ReturnType<typeof sql>) => tx.execute(q);
    await run(sql`
      update applications set
        candidate_name = ${ERASED}, candidate_email = ${ERASED}, candidate_phone = null,
        external_id = null, request_hash = ${ERASED},
        resume = '{"skills":[],"erased":true}'::jsonb,
        interview = jsonb_build_object('completedAt', interview->'completedAt', 'accuracy', interview->'accuracy', 'erased', true),
        match_score = null, ai_score = null, human_score = null, composite_score = null,
        erased_from_stage = coalesce(erased_from_stage, stage), stage = 'erased', stage_seq = ${ERASED_STAGE_SEQ},
        erased_at = coalesce(erased_at, now()), updated_at = now()
      where id = ${id}`);
    await run(sql`update match_reports set report = '{"erased":true}'::jsonb where application_id = ${id}`);
    await run(sql`
      update messages set
        recipient = case when recipient_kind = 'candidate' then ${ERASED} else recipient end,
        subject = ${ERASED}, body_text = ${ERASED}, body_html = null, error = null, provider_message_id = null
      where application_id = ${id} or (application_id is null and (${likeAny(sql`body_text || ' ' || recipient`, words)}))`);
    await run(sql`
      update idempotency_keys set response = '{"erased":true}'::jsonb
      where response is not null and response <> '{"erased":true}'::jsonb and (${likeAny(sql`response::text`, exact)})`);
    await run(sql`
      update webhook_events set payload = jsonb_build_object('erased', true, 'applicationId', ${id}::text)
      where application_id = ${id} or (application_id is null and (${likeAny(sql`payload::text`, words)}))`);
    await run(sql`update webhook_attempts set error = ${ERASED} where error is not null and (${likeAny(sql`error`, exact)})`);
    await run(sql`update offer_versions set offer = '{"erased":true}'::jsonb where application_id = ${id}`);
    // The PDFs go, and with them their only keys (encrypted at rest: db/queries/offers.ts).
    await run(sql`
      update offer_documents set content = ''::bytea, sha256 = ${ERASED}, wrapping_key_id = null, wrapped_key = null
      where application_id = ${id}`);
    await run(sql`
      update offer_signatures set signature_name = ${ERASED}, ip = ${ERASED}, user_agent = ${ERASED},
        original_sha256 = ${ERASED}, signed_sha256 = ${ERASED}
      where application_id = ${id}`);
    await run(sql`update employees set name = ${ERASED}, email = ${ERASED}, mentor_user_id = null where application_id = ${id} and status <> 'active'`);
    const docs = await tx.execute(sql`
      update employee_documents d set filename = ${ERASED}, sha256 = ${ERASED}, reject_reason = null, storage_key = ${ERASED}
      from employees e, employee_documents old
      where e.id = d.employee_id and e.application_id = ${id} and old.id = d.id and d.storage_key <> ${ERASED}
      returning old.storage_key`);
    const rows = rowsOf<{ storage_key: string }>(docs);
    return { storageKeys: [...new Set(rows.map((r) => r.storage_key))] };
  });
}

/** Of `keys`, those no document row uses any more (a file is shared by content hash). */
export async function unusedStorageKeys(db: DbHandle, keys: string[]): Promise<string[]> {
  if (!keys.length) return [];
  const used = await db.rows<{ storage_key: string }>(sql`
    select distinct storage_key from employee_documents where storage_key in (${sql.join(
      keys.map((k) => sql`${k}`),
      sql`, `,
    )})`);
  const stillUsed = new Set(used.map((u) => u.storage_key));
  return keys.filter((k) => !stillUsed.has(k));
}
