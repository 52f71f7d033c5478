import { eq, sql } from 'drizzle-orm';
import type { TLocale } from '../../domain/contracts/common';
import { FALLBACK_SETTINGS } from '../../domain/contracts/settings';
import type { DbHandle } from '../../db/client';
import { applications, jobs, settings } from '../../db/schema';
import { ApplicationNotFoundError } from '../errors';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string) => UUID_RE.test(s);

const asLocale = (s: string | null | undefined): TLocale | null => (s === 'en' || s === 'zh-CN' ? s : null);

/**
 * What messages about an application need and the workflow does not carry: contact
 * details stay in the database, out of workflow history.
 */
export interface TApplicationContext {
  applicationId: string;
  workflowId: string;
  candidateName: string;
  candidateEmail: string;
  candidatePhone: string | null;
  candidateLocale: TLocale;
  jobTitle: string;
  companyName: string;
  /** The organisation's default locale (settings), for staff. */
  defaultLocale: TLocale;
}

export async function loadApplicationContext(
  { db }: DbHandle,
  applicationId: string,
): Promise<TApplicationContext> {
  if (!isUuid(applicationId)) throw new ApplicationNotFoundError(`application ${applicationId} not found`);
  const [row] = await db
    .select({
      workflowId: applications.workflowId,
      candidateName: applications.candidateName,
      candidateEmail: applications.candidateEmail,
      candidatePhone: applications.candidatePhone,
      locale: applications.locale,
      jobTitle: jobs.title,
      companyName: settings.companyName,
      defaultLocale: sql<string | null>`${settings.defaults}->>'locale'`,
    })
    .from(applications)
    .innerJoin(jobs, eq(jobs.id, applications.jobId))
    .leftJoin(settings, eq(settings.id, 1))
    .where(eq(applications.id, applicationId));
  if (!row) throw new ApplicationNotFoundError(`application ${applicationId} not found`);
  const defaultLocale = asLocale(row.defaultLocale) ?? FALLBACK_SETTINGS.defaults.locale;
  return {
    applicationId,
    workflowId: row.workflowId,
    candidateName: row.candidateName,
    candidateEmail: row.candidateEmail,
    candidatePhone: row.candidatePhone,
    candidateLocale: asLocale(row.locale) ?? defaultLocale,
    jobTitle: row.jobTitle,
    companyName: row.companyName ?? FALLBACK_SETTINGS.companyName,
    defaultLocale,
  };
}

export async function loadDefaultLocale({ db }: DbHandle): Promise<TLocale> {
  const [row] = await db
    .select({ locale: sql<string | null>`${settings.defaults}->>'locale'` })
    .from(settings)
    .where(eq(settings.id, 1));
  return asLocale(row?.locale) ?? FALLBACK_SETTINGS.defaults.locale;
}

/** Template fields every application message can take from the database. */
export function autoFill(ctx: TApplicationContext) {
  return {
    candidateName: ctx.candidateName,
    jobTitle: ctx.jobTitle,
    companyName: ctx.companyName,
    applicationId: ctx.applicationId,
  };
}
