/**
 * The job (with its department's default courses) a submission uses, cached per process
 * for JOB_CACHE_MS: a submission costs no job query while the job is hot.
 */
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { perDb } from '../db/per-db';
import { departments, jobs } from '../db/schema';
import { TtlCache } from './cache';
import { notFound } from './errors';

/**
 * How long a submission may use a job (with its department's default courses) read
 * earlier by this process. `PATCH /v1/jobs/:id` and `PATCH /v1/departments/:id` forget the
 * entry in the process that served them (forgetJobs); other replicas see the change within
 * this time.
 */
export const JOB_CACHE_MS = 10_000;

const jobWithDepartment = perDb((db) =>
  db
    .select({ job: jobs, defaultCourses: departments.defaultCourses })
    .from(jobs)
    .leftJoin(departments, eq(departments.id, jobs.departmentId))
    .where(eq(jobs.id, sql.placeholder('id')))
    .prepare('job_with_department'),
);
type JobWithDepartment = Awaited<ReturnType<ReturnType<typeof jobWithDepartment>['execute']>>[number];
const jobCaches = perDb(() => new TtlCache<string, JobWithDepartment>(JOB_CACHE_MS));

/** Drops cached jobs (all, or one), so this process's next submission reads them again. */
export function forgetJobs(app: FastifyInstance, jobId?: string): void {
  const cache = jobCaches(app.db.db);
  if (jobId) cache.delete(jobId);
  else cache.clear();
}

/** The job and its department's default courses (404 for an unknown job, which is not cached). */
export function jobForSubmission(app: FastifyInstance, jobId: string): Promise<JobWithDepartment> {
  const { db } = app.db;
  return jobCaches(db).get(jobId, async () => {
    const [found] = await jobWithDepartment(db).execute({ id: jobId });
    if (!found) throw notFound('job');
    return found;
  });
}
