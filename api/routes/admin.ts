/**
 * GET /v1/admin/consistency: compares what the workflows say with what the database
 * says and lists every contradiction. After any test run it must list none.
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authenticate, requireRoles } from '../auth';
import { queryStatus, withTemporalDeadline } from '../workflow-client';
import { z } from 'zod';
import { zOpen } from '../response-schemas';

interface Contradiction {
  kind:
    | 'accepted_offer_without_employee'
    | 'employee_without_accepted_offer'
    | 'stage_differs'
    | 'application_without_workflow'
    | 'employee_status_differs';
  applicationId: string;
  detail: Record<string, unknown>;
}

export default async function adminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/v1/admin/consistency',
    {
      onRequest: [authenticate, requireRoles('admin')],
      schema: { operationId: 'checkConsistency', response: { 200: z.object({ checkedApplications: z.number().int(), contradictions: z.array(zOpen({ kind: z.string(), applicationId: z.string() })) }) },
        tags: ['operations'],
        summary: 'Contradictions between workflow state and the database (expected: none)',
        description:
          'Checks: an accepted offer without an employee, an employee without an accepted offer, an employee active while the application is not hired (or the reverse), an application without its workflow, and a database stage that differs from the workflow (confirmed by querying the workflow, so visibility lag is not reported).',
      },
    },
    async () => {
      const found: Contradiction[] = [];
      const rows = (q: ReturnType<typeof sql>) => app.db.rows<Record<string, string>>(q);

      for (const r of await rows(sql`
        select s.application_id from offer_signatures s
        left join employees e on e.application_id = s.application_id
        join applications a on a.id = s.application_id
        where e.id is null and a.stage in ('onboarding', 'hired')`)) {
        found.push({ kind: 'accepted_offer_without_employee', applicationId: r.application_id!, detail: {} });
      }
      for (const r of await rows(sql`
        select e.application_id, e.id from employees e
        left join offer_signatures s on s.application_id = e.application_id and s.version = e.offer_version
        where s.application_id is null`)) {
        found.push({ kind: 'employee_without_accepted_offer', applicationId: r.application_id!, detail: { employeeId: r.id } });
      }
      for (const r of await rows(sql`
        select e.application_id, e.status, a.stage from employees e join applications a on a.id = e.application_id
        where (e.status = 'active') <> (a.stage in ('hired', 'probation', 'confirmed')) and a.stage not in ('withdrawn', 'probation_failed')
           or (e.status = 'ended') <> (a.stage = 'probation_failed')`)) {
        found.push({ kind: 'employee_status_differs', applicationId: r.application_id!, detail: { employeeStatus: r.status, stage: r.stage } });
      }

      // Stages: visibility first (cheap), then the workflow itself for any difference.
      const dbStages = new Map(
        // An erased application's workflow is deleted on purpose (api/erasure.ts).
        (await rows(sql`select id, workflow_id, stage from applications where stage <> 'erased'`)).map((r) => [r.workflow_id!, { id: r.id!, stage: r.stage! }]),
      );
      const seen = new Set<string>();
      const suspects: string[] = [];
      // Each step of the visibility scan (a page of workflows) under its own deadline.
      const listed = app.temporal.workflow.list({ query: `WorkflowType = 'applicationWorkflow'` })[Symbol.asyncIterator]();
      for (;;) {
        const next = await withTemporalDeadline(app, () => listed.next());
        if (next.done) break;
        const wf = next.value;
        const db = dbStages.get(wf.workflowId);
        if (!db) continue;
        seen.add(wf.workflowId);
        const stage = wf.searchAttributes?.Stage?.[0];
        if (stage !== db.stage) suspects.push(wf.workflowId);
      }
      for (const workflowId of dbStages.keys()) {
        if (!seen.has(workflowId)) suspects.push(workflowId);
      }
      for (const workflowId of suspects) {
        const db = dbStages.get(workflowId)!;
        try {
          const status = await queryStatus(app, db.id);
          if (status.stage !== db.stage) {
            found.push({ kind: 'stage_differs', applicationId: db.id, detail: { workflow: status.stage, database: db.stage } });
          }
        } catch {
          found.push({ kind: 'application_without_workflow', applicationId: db.id, detail: { workflowId } });
        }
      }
      return { checkedApplications: dbStages.size, contradictions: found };
    },
  );
}
