/** What every measurement gets, and what it gives back for the table and RESULTS.md. */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { applications, departments, interviewAnswers, jobs } from '../../db/schema';
import { getSettings } from '../../db/settings';
import { resolveJobPolicy } from '../../domain/policy';
import { normalizeSkill } from '../../domain/skills';
import type { TCreateApplication } from '../../domain/contracts/application';
import type { TApplicationWorkflowInput } from '../../workflows/messages';
import { applicationWorkflow } from '../../workflows/application';
import { applicationStartOptions } from '../../api/submissions';
import { canonicalJson, sha256 } from '../../api/plugins/idempotency';
import type { BenchOrg } from './seed';
import type { BenchStack, StageWatcher } from './stack';

export interface Row {
  /** Table line: what is measured. */
  measure: string;
  ours: string;
  reference: string;
  comparison: string;
  target: string;
  met: boolean | null;
}

export interface PhaseResult {
  rows: Row[];
  /** Markdown details for RESULTS.md (CPU split, plans, notes). */
  details: string;
}

export interface BenchContext {
  stack: BenchStack;
  org: BenchOrg;
  watcher: StageWatcher;
}

export const workflowIdFor = (applicationId: string) => `application-${applicationId}`;

/**
 * Inserts application rows exactly as POST /v1/applications does (row + interview answers)
 * and returns the workflow inputs the API would build: for the raw-client references,
 * whose workflows then run the same activities against the same data.
 */
export async function prepareRawApplications(ctx: BenchContext, bodies: TCreateApplication[]): Promise<TApplicationWorkflowInput[]> {
  const { db } = ctx.stack.db;
  const jobId = bodies[0]!.jobId;
  const [job] = await db.select().from(jobs).where(eq(jobs.id, jobId));
  if (!job) throw new Error(`no job ${jobId}`);
  const settings = await getSettings(db);
  const [dept] = await db.select({ defaultCourses: departments.defaultCourses }).from(departments).where(eq(departments.id, job.departmentId));
  const policy = resolveJobPolicy(job.definition, settings.defaults, dept ?? {});
  const inputs: TApplicationWorkflowInput[] = [];
  for (let i = 0; i < bodies.length; i += 250) {
    const chunk = bodies.slice(i, i + 250);
    const rows = chunk.map((body) => {
      const id = randomUUID();
      return {
        id,
        externalId: null,
        requestHash: sha256(canonicalJson(body)),
        jobId: job.id,
        departmentId: job.departmentId,
        workflowId: workflowIdFor(id),
        candidateName: body.candidate.name,
        candidateEmail: body.candidate.email,
        candidatePhone: null,
        locale: body.candidate.locale ?? settings.defaults.locale,
        resume: body.resume,
        interview: body.interview,
        accuracy: body.interview.accuracy,
      };
    });
    const inserted = await db.insert(applications).values(rows).returning();
    const answers = chunk.flatMap((body, k) => {
      const claims = new Map(body.resume.skills.map((s) => [normalizeSkill(s.name), s.level]));
      return body.interview.questions.map((q) => ({
        applicationId: rows[k]!.id,
        jobId: job.id,
        questionId: q.id,
        skill: q.skill,
        correct: q.correct,
        claimedLevel: claims.get(normalizeSkill(q.skill)) ?? null,
      }));
    });
    if (answers.length) await db.insert(interviewAnswers).values(answers);
    for (const row of inserted) {
      inputs.push({
        applicationId: row.id,
        jobId: row.jobId,
        departmentId: row.departmentId,
        receivedAt: row.createdAt.toISOString(),
        candidate: { name: row.candidateName, locale: row.locale === 'zh-CN' ? 'zh-CN' : 'en' },
        policy,
      });
    }
  }
  return inputs;
}

/** Starts the application workflow with the raw client, with the options the API uses. */
export async function startRaw(ctx: BenchContext, input: TApplicationWorkflowInput): Promise<void> {
  await ctx.stack.client.workflow.start(applicationWorkflow, applicationStartOptions(input, ctx.stack.taskQueue));
}

export const ms = (v: number) => `${v.toFixed(1)} ms`;
export const signedMs = (v: number) => `${v < 0 ? '−' : '+'}${Math.abs(v).toFixed(1)} ms`;
export const verdict = (met: boolean | null) => (met === null ? '–' : met ? 'met' : 'NOT met');
