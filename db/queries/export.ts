/**
 * Subject access: everything the database holds about one candidate, table by table,
 * as plain rows (binary contents as base64 only when asked, else their size and hash).
 */
import { sql } from 'drizzle-orm';
import type { TPayloadKeys } from '../../temporal.config';
import type { DbHandle } from '../client';
import { openOfferDocument, type TOfferDocumentKind } from './offers';

export interface TApplicationExport {
  application: Record<string, unknown>;
  interviewAnswers: Record<string, unknown>[];
  matchReport: Record<string, unknown> | null;
  messages: Record<string, unknown>[];
  offers: { versions: Record<string, unknown>[]; documents: Record<string, unknown>[]; signatures: Record<string, unknown>[] };
  employee: Record<string, unknown> | null;
  employeeDocuments: Record<string, unknown>[];
  webhookEvents: Record<string, unknown>[];
}

/**
 * The export, or undefined for an unknown application; `offerFiles` gets the offer PDFs'
 * plain bytes (opened with PAYLOAD_KEYS: they are encrypted at rest).
 */
export async function exportApplication(
  db: DbHandle,
  id: string,
  payloadKeys?: TPayloadKeys,
): Promise<{ data: TApplicationExport; offerFiles: { name: string; bytes: Uint8Array }[] } | undefined> {
  const rows = <T extends Record<string, unknown> = Record<string, unknown>>(q: ReturnType<typeof sql>) => db.rows<T>(q);
  const [application] = await rows(sql`
    select id, external_id, job_id, department_id, workflow_id, candidate_name, candidate_email, candidate_phone, locale,
      resume, interview, accuracy, stage, match_score, ai_score, human_score, composite_score, created_at, updated_at,
      erased_at, erased_from_stage
    from applications where id = ${id}`);
  if (!application) return undefined;
  const [interviewAnswers, [matchReport], messages, versions, documents, signatures, [employee], webhookEvents] = await Promise.all([
    rows(sql`select question_id, skill, correct, claimed_level from interview_answers where application_id = ${id} order by question_id`),
    rows(sql`select report, created_at from match_reports where application_id = ${id}`),
    rows(sql`
      select id, channel, template, purpose, locale, recipient, recipient_kind, subject, body_text, status, delivered,
        created_at, sent_at, opened_at
      from messages where application_id = ${id} order by created_at`),
    rows(sql`select version, status, offer, sent_at, expires_at, updated_at from offer_versions where application_id = ${id} order by version`),
    rows<{ id: string; version: number; kind: TOfferDocumentKind; sha256: string; content: Uint8Array; wrapping_key_id: string | null; wrapped_key: string | null; created_at: unknown }>(sql`
      select id, version, kind, sha256, content, wrapping_key_id, wrapped_key, created_at
      from offer_documents where application_id = ${id} order by version, kind`),
    rows(sql`
      select version, signature_name, signed_at, ip, user_agent, original_sha256, signed_sha256
      from offer_signatures where application_id = ${id} order by version`),
    rows(sql`
      select id, employee_number, name, email, locale, position, start_date, status, created_at, hired_at
      from employees where application_id = ${id}`),
    rows(sql`select id, type, payload, occurred_at from webhook_events where application_id = ${id} order by occurred_at, seq`),
  ]);
  const employeeDocuments = employee
    ? await rows(sql`
        select id, kind, filename, content_type, size, sha256, storage_key, status, reject_reason, uploaded_at
        from employee_documents where employee_id = ${employee.id as string} order by uploaded_at`)
    : [];
  const opened = documents.map(({ content, wrapping_key_id, wrapped_key, ...d }) => ({
    ...d,
    pdf: openOfferDocument(payloadKeys, { applicationId: id, version: d.version, kind: d.kind, content, wrappingKeyId: wrapping_key_id, wrappedKey: wrapped_key }),
  }));
  const offerFiles = opened
    .filter((d) => d.pdf.length > 0)
    .map((d) => ({ name: `offers/v${d.version}-${d.kind}.pdf`, bytes: new Uint8Array(d.pdf) }));
  return {
    data: {
      application,
      interviewAnswers,
      matchReport: matchReport ?? null,
      messages,
      offers: {
        versions,
        documents: opened.map(({ pdf, ...d }) => ({ ...d, size: pdf.length })),
        signatures,
      },
      employee: employee ?? null,
      employeeDocuments,
      webhookEvents,
    },
    offerFiles,
  };
}
