import { sql } from 'drizzle-orm';
import type { TLocale } from '../../domain/contracts/common';
import { FALLBACK_SETTINGS } from '../../domain/contracts/settings';
import { percentileRank } from '../../domain/percentile';
import type { DbHandle } from '../../db/client';
import { ApplicationNotFoundError } from '../errors';
import type { TAcknowledgementData } from './types';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Row extends Record<string, unknown> {
  candidateName: string;
  candidateEmail: string;
  candidatePhone: string | null;
  locale: string;
  accuracy: number;
  jobTitle: string;
  companyName: string | null;
  lower: number;
  ties: number;
  total: number;
}

/**
 * What the interview acknowledgement says about the candidate, read at send time.
 * The rank is one aggregate over the job's applications, served by the
 * (job_id, accuracy) index: it counts the job's rows INCLUDING this one and subtracts
 * it (it is never lower than itself and always ties with itself), which keeps the
 * scan index-only instead of fetching every row to compare ids.
 */
export async function loadAcknowledgementData(
  handle: DbHandle,
  applicationId: string,
): Promise<TAcknowledgementData> {
  if (!UUID_RE.test(applicationId))
    throw new ApplicationNotFoundError(`application ${applicationId} not found`);
  const [row] = await handle.rows<Row>(sql`
    select a.candidate_name as "candidateName",
           a.candidate_email as "candidateEmail",
           a.candidate_phone as "candidatePhone",
           a.locale,
           a.accuracy::float8 as accuracy,
           j.title as "jobTitle",
           (select s.company_name from settings s where s.id = 1) as "companyName",
           c.lower, c.ties, c.total
      from applications a
      join jobs j on j.id = a.job_id
      cross join lateral (
        select (count(*) filter (where o.accuracy < a.accuracy))::int as lower,
               (count(*) filter (where o.accuracy = a.accuracy) - 1)::int as ties,
               (count(*) - 1)::int as total
          from applications o
         where o.job_id = a.job_id
      ) c
     where a.id = ${applicationId}
  `);
  if (!row) throw new ApplicationNotFoundError(`application ${applicationId} not found`);
  const sample = { lower: Number(row.lower), ties: Number(row.ties), total: Number(row.total) };
  return {
    applicationId,
    candidate: {
      name: row.candidateName,
      email: row.candidateEmail,
      phone: row.candidatePhone,
      locale: (row.locale === 'zh-CN' ? 'zh-CN' : 'en') satisfies TLocale,
    },
    jobTitle: row.jobTitle,
    companyName: row.companyName ?? FALLBACK_SETTINGS.companyName,
    accuracy: Number(row.accuracy),
    percentile: percentileRank(sample),
    sample,
  };
}
