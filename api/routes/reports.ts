/**
 * GET /v1/reports/<name>: the figures HR is judged by (docs/reports.md). HR and admin see
 * every department; a hiring manager sees their own department's, and naming another
 * department or one of its jobs is a 404, as for that department's applications.
 * JSON by default; `?format=csv` gives the same figures as CSV for spreadsheets.
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  REPORT_NAMES,
  ZApprovalsSchema,
  ZCommunicationRowSchema,
  ZDecisionPromiseSchema,
  ZFunnelRowSchema,
  ZHiringQualitySchema,
  ZOffersSchema,
  ZOnboardingSchema,
  ZReportQuerySchema,
  ZStageTimeRowSchema,
  ZStageTimesSchema,
  reportPeriod,
  type TReportName,
  type TReportQuery,
} from '../../domain/contracts/reports';
import type { DbHandle } from '../../db/client';
import * as q from '../../db/queries/reports';
import { departments, jobs } from '../../db/schema';
import { forbidden, notFound, validationFailed, ERROR_RESPONSES } from '../errors';
import { authenticate, hasRole, principalOf, requireRoles } from '../auth';
import { objectsSection, toCsv, type TCsvSection } from '../csv';

interface TReportDef {
  summary: string;
  description: string;
  schema: z.ZodType;
  run(db: DbHandle, f: q.TReportFilter, now: Date): Promise<unknown>;
  csv(report: never): TCsvSection[];
}

const def = <S extends z.ZodType>(d: {
  summary: string;
  description: string;
  schema: S;
  run(db: DbHandle, f: q.TReportFilter, now: Date): Promise<z.infer<S>>;
  csv(report: z.infer<S>): TCsvSection[];
}): TReportDef => d;

const one = <T extends object>(row: T): TCsvSection => objectsSection([row], Object.keys(row) as (keyof T & string)[]);
const keys = <T extends object>(schema: z.ZodObject): (keyof T & string)[] => Object.keys(schema.shape) as (keyof T & string)[];

const REPORTS: Record<TReportName, TReportDef> = {
  funnel: def({
    summary: 'Per stage: entered, moved on, pass-through, and where the others ended',
    description: 'Stays that began in the period. `stillThere`: not left yet.',
    schema: z.object({ stages: z.array(ZFunnelRowSchema) }),
    run: async (db, f) => ({ stages: await q.funnel(db, f) }),
    csv: (r) => [objectsSection(r.stages, keys(ZFunnelRowSchema))],
  }),
  'stage-times': def({
    summary: 'Per stage: p50, p90 and max time spent, and who is there now and for how long',
    description:
      'Completed stays that began in the period; `current*` counts open stays whenever they began. `p50Seconds` and `p90Seconds` come from a duration histogram, within `percentileMaxRelativeError` of the exact figure; counts, maxima and `current*` are exact.',
    schema: ZStageTimesSchema,
    run: (db, f, now) => q.stageTimes(db, f, now),
    csv: (r) => [objectsSection(r.stages, keys(ZStageTimeRowSchema))],
  }),
  'decision-promise': def({
    summary: 'Decision promises that fell due in the period: kept, late (and how late), pending',
    description: `The decision is the move out of evaluation or decision. The late list holds the ${q.LIST_LIMIT} latest; the counts cover all. \`lateP50Seconds\` comes from a duration histogram, within \`percentileMaxRelativeError\` of the exact figure; counts, the rate and the maximum are exact.`,
    schema: ZDecisionPromiseSchema,
    run: (db, f, now) => q.decisionPromise(db, f, now),
    // The CSV keeps its columns of before: the percentiles' error is a statement about them, not a figure.
    csv: ({ lateList, percentileMaxRelativeError: _error, ...summary }) => [
      { title: 'summary', ...one(summary) },
      objectsSection(lateList, ['applicationId', 'jobId', 'dueAt', 'decidedAt', 'lateSeconds'], 'late'),
    ],
  }),
  approvals: def({
    summary: 'Offer approvals per level and per approver: time to decide, rejections, reminders, delegations',
    description: `Approval requests made in the period. Rejections list the ${q.LIST_LIMIT} latest with their comments. The p50 and p90 come from a duration histogram, within \`percentileMaxRelativeError\` of the exact figure; counts are exact.`,
    schema: ZApprovalsSchema,
    run: (db, f) => q.approvals(db, f),
    csv: (r) => [
      objectsSection(r.levels, ['level', 'decided', 'approved', 'rejected', 'delegated', 'p50Seconds', 'p90Seconds'], 'levels'),
      objectsSection(r.approvers, ['userId', 'name', 'decided', 'approved', 'rejected', 'delegated', 'remindersSent', 'p50Seconds', 'p90Seconds'], 'approvers'),
      objectsSection(r.rejections, ['applicationId', 'version', 'level', 'userId', 'name', 'comment', 'decidedAt'], 'rejections'),
    ],
  }),
  offers: def({
    summary: 'Offers sent in the period: viewed, accepted, declined, expired, time to answer, the reminder, revisions',
    description:
      'Acceptance rate: accepted of those accepted, declined or expired. Salary change: each sent revision against the version before it. `answerP50Seconds` and `answerP90Seconds` come from a duration histogram, within `percentileMaxRelativeError` of the exact figure; everything else is exact.',
    schema: ZOffersSchema,
    run: (db, f) => q.offers(db, f),
    csv: ({ percentileMaxRelativeError: _error, ...r }) => [one(r)],
  }),
  communications: def({
    summary: 'Messages per template, language and channel: sent, failed, opened, open rate',
    description: 'Messages created in the period. Open rate: opened of those sent, e-mail only.',
    schema: z.object({ templates: z.array(ZCommunicationRowSchema) }),
    run: async (db, f) => ({ templates: await q.communications(db, f) }),
    csv: (r) => [objectsSection(r.templates, keys(ZCommunicationRowSchema))],
  }),
  onboarding: def({
    summary: 'New hires of the period: hired, tasks on time and late per assignee, documents rejected, courses, days to hired',
    description: 'Tasks and courses count new hires who completed onboarding (their record is written then).',
    schema: ZOnboardingSchema,
    run: (db, f) => q.onboarding(db, f),
    csv: ({ tasks, courses, ...summary }) => [
      { title: 'summary', ...one({ ...summary, ...courses }) },
      objectsSection(tasks, ['assignee', 'onTime', 'late', 'open'], 'tasks'),
    ],
  }),
  'hiring-quality': def({
    summary: 'AI against human scores per competency, and discrepancies per rule with how HR resolved them',
    description: 'Applications received in the period. Gap: human score minus AI score.',
    schema: ZHiringQualitySchema,
    run: (db, f) => q.hiringQuality(db, f),
    csv: (r) => [
      objectsSection(r.agreement, ['competency', 'evaluated', 'meanAi', 'meanHuman', 'meanGap', 'meanAbsGap', 'humanHigher', 'humanLower', 'equal'], 'agreement'),
      objectsSection(r.discrepancies, ['rule', 'found', 'high', 'confirmed', 'dismissed', 'retest', 'unresolved'], 'discrepancies'),
    ],
  }),
};

const operationId = (name: string) => `report${name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`;

export default async function reportRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  /** The filter the caller may use: their own department for a hiring manager; 404 for ids they may not see. */
  async function filterFor(req: FastifyRequest, query: TReportQuery, now: Date): Promise<q.TReportFilter> {
    const period = reportPeriod(query, now);
    if ('field' in period) throw validationFailed([{ path: `querystring.${period.field}`, message: period.message }]);
    const p = principalOf(req);
    const own = hasRole(p, 'admin', 'hr') ? null : p.departmentId;
    if (!hasRole(p, 'admin', 'hr') && !own) throw forbidden('a hiring manager without a department has no reports');
    if (query.departmentId) {
      const [d] = await db.select({ id: departments.id }).from(departments).where(eq(departments.id, query.departmentId));
      if (!d || (own && d.id !== own)) throw notFound('department');
    }
    if (query.jobId) {
      const [j] = await db.select({ departmentId: jobs.departmentId }).from(jobs).where(eq(jobs.id, query.jobId));
      if (!j || (own && j.departmentId !== own)) throw notFound('job');
    }
    return { ...period, jobId: query.jobId, departmentId: own ?? query.departmentId };
  }

  for (const name of REPORT_NAMES) {
    const r = REPORTS[name];
    app.get(
      `/v1/reports/${name}`,
      {
        onRequest: [authenticate, requireRoles('admin', 'hr', 'hiring_manager')],
        schema: {
          tags: ['reports'],
          operationId: operationId(name),
          summary: r.summary,
          description: `${r.description} Filters: \`from\`, \`to\` (ISO date or date-time; a bare \`to\` date includes that day; default the last 30 days), \`jobId\`, \`departmentId\`. \`format=csv\`: UTF-8 CSV with a BOM.`,
          querystring: ZReportQuerySchema,
          response: {
            200: {
              description: 'The report',
              content: { 'application/json': { schema: r.schema }, 'text/csv': { schema: z.string() } },
            },
            ...ERROR_RESPONSES,
          },
        },
      },
      async (req, reply) => {
        const now = new Date();
        const filter = await filterFor(req, req.query, now);
        const report = await r.run(app.db, filter, now);
        if (req.query.format === 'csv') {
          const from = filter.from.toISOString().slice(0, 10);
          const to = filter.to.toISOString().slice(0, 10);
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${name}_${from}_${to}.csv"`)
            .send(Buffer.from(toCsv(r.csv(report as never)), 'utf8'));
        }
        return reply.type('application/json').send(report);
      },
    );
  }
}
