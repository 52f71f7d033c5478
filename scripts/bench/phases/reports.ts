/**
 * 8. Reports: every GET /v1/reports/<name> over 100,000 applications and 1,000,000 stage
 * transitions (with their approvals, offers, messages and new hires), inserted straight
 * into PostgreSQL with generate_series, no workflows. Each report is timed through the
 * API for three filters: the default period (the last 30 days), one job over 90 days, and
 * a whole year (the longest period the API allows). The plans (EXPLAIN ANALYZE) are those
 * of the default filter, captured from the report functions themselves.
 *
 * The journeys, per 20 applications: 7 hired (11 changes), 6 hired after an offer revision
 * (13), 3 declined (9), 3 rejected at the decision (5), 1 still in evaluation (3): 200
 * changes per 20, so exactly 1,000,000 for 100,000 applications. Each application moves
 * one step every 1 to 41 hours (whole hours plus a spread of seconds, so that durations fill
 * the histograms' buckets as real ones would, not 40 values).
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { DbHandle } from '../../../db/client';
import * as reports from '../../../db/queries/reports';
import { REPORT_NAMES } from '../../../domain/contracts/reports';
import { ms, type BenchContext, type PhaseResult } from '../context';
import { log, summarize, timed } from '../util';

const TARGET_P99_MS = 200;
const JOBS = 20;
const DEPARTMENTS = 5;

const PATHS: string[][] = [
  ['validating', 'screening', 'evaluation', 'decision', 'offer_drafting', 'offer_approval', 'offer_sent', 'offer_viewed', 'accepted', 'onboarding', 'hired'],
  ['validating', 'screening', 'evaluation', 'decision', 'offer_drafting', 'offer_approval', 'offer_drafting', 'offer_approval', 'offer_sent', 'offer_viewed', 'accepted', 'onboarding', 'hired'],
  ['validating', 'screening', 'evaluation', 'decision', 'offer_drafting', 'offer_approval', 'offer_sent', 'offer_viewed', 'declined'],
  ['validating', 'screening', 'evaluation', 'decision', 'rejected'],
  ['validating', 'screening', 'evaluation'],
];
/** Which path application g takes: by g % 20. */
const KIND_SQL = `case when g % 20 < 7 then 0 when g % 20 < 13 then 1 when g % 20 < 16 then 2 when g % 20 < 19 then 3 else 4 end`;

/** The row triggers of migration 0016, off while the seed inserts (the rollups are rebuilt after it). */
const ONBOARDING_QUALITY_TRIGGERS: [string, string][] = [
  ['employees', 'employees_onboarding_rollup'],
  ['employees', 'employees_onboarding_rollup_update'],
  ['employee_documents', 'employee_documents_onboarding_rollup'],
  ['employee_documents', 'employee_documents_onboarding_rollup_update'],
  ['applications', 'applications_quality_rollup'],
  ['applications', 'applications_quality_rollup_update'],
  ['messages', 'messages_communication_rollup'],
  ['messages', 'messages_communication_rollup_update'],
];

export async function seed(ctx: Pick<BenchContext, 'stack' | 'org'>, applications: number): Promise<string> {
  const { sql } = ctx.stack;
  const { org } = ctx;
  // Row by row the triggers would take several minutes for a million rows; the rollups are
  // rebuilt below from the facts, which is what the triggers keep them equal to.
  await sql`alter table stage_transitions disable trigger stage_transitions_rollup`;
  await sql`alter table approval_items disable trigger approval_items_rollup`;
  await sql`alter table stage_transitions disable trigger stage_transitions_rollup_update`;
  await sql`alter table approval_items disable trigger approval_items_rollup_update`;
  // The same for the onboarding, hiring-quality and communications rollups (migration 0016).
  for (const [table, trigger] of ONBOARDING_QUALITY_TRIGGERS) await sql`alter table ${sql(table)} disable trigger ${sql(trigger)}`;
  // The decision-promise and offers ledgers (migration 0017): filled by their own rebuild below.
  for (const [table, trigger] of PROMISE_OFFER_TRIGGERS) await sql.unsafe(`alter table ${table} disable trigger ${trigger}`);
  await sql`insert into departments (name, manager_user_id) select 'Reports dept ' || d, ${org.manager.id}::uuid from generate_series(2, ${DEPARTMENTS}::int) d`;
  await sql`
    insert into jobs (title, department_id, definition)
    select 'Reports job ' || j, d.id, (select definition from jobs where id = ${org.jobId}::uuid)
    from generate_series(0, ${JOBS - 1}::int) j
    join (select id, row_number() over (order by name) - 1 as k
          from departments where id = ${org.departmentId}::uuid or name like 'Reports dept %') d on d.k = j % ${DEPARTMENTS}::int`;
  await sql`create temp table bench_report_jobs as select id, department_id, row_number() over (order by title) - 1 as k from jobs where title like 'Reports job %'`;
  await sql`
    insert into applications (id, request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale,
                              resume, interview, accuracy, stage, stage_seq, created_at, updated_at, decision_due_at,
                              discrepancies, score_dimensions)
    select gen_random_uuid(), md5('report' || g), j.id, j.department_id, 'bench-report-' || g, '候选人 ' || g,
           'report' || g || '@candidates.example.com', case when g % 3 = 0 then 'zh-CN' else 'en' end,
           '{}'::jsonb, '{}'::jsonb, 0.5, 'received', 0, t, t, t + interval '3 days',
           jsonb_build_array(jsonb_build_object('id', 'd', 'rule', (array['claimed_skill_failed', 'skill_not_tested', 'keyword_unsupported'])[1 + g % 3],
                                                'severity', case when g % 3 = 0 then 'high' else 'info' end,
                                                'resolution', (array['confirmed', 'dismissed', null])[1 + g % 3])),
           jsonb_build_array(jsonb_build_object('key', 'programming', 'ai', 40 + g % 50, 'human', 30 + (g * 7) % 60),
                             jsonb_build_object('key', 'teamwork', 'ai', 50 + g % 40, 'human', 40 + (g * 3) % 50))
    from generate_series(1, ${applications}::int) g
    join bench_report_jobs j on j.k = g % ${JOBS}::int
    cross join lateral (select now() - (g % 365) * interval '1 day' - (g % 86400) * interval '1 second' as t) c`;
  await sql`create temp table bench_report_apps as
    select a.id, a.job_id, a.department_id, a.created_at, g, ${sql.unsafe(KIND_SQL)} as kind, (1 + g % 40) * interval '1 hour' + ((g::bigint * 7919) % 3600) * interval '1 second' as step
    from applications a cross join lateral (select substring(a.workflow_id from 14)::int as g) x
    where a.workflow_id like 'bench-report-%'`;
  const paths = PATHS.map((p, kind) => `(${kind}, array[${p.map((s) => `'${s}'`).join(', ')}])`).join(', ');
  await sql`
    insert into stage_transitions (application_id, seq, from_stage, to_stage, at, job_id, department_id, left_at, next_stage)
    select a.id, s.i, coalesce(p.stages[s.i - 1], 'received'), p.stages[s.i], a.created_at + (s.i - 1) * a.step, a.job_id, a.department_id,
           case when s.i < cardinality(p.stages) then a.created_at + s.i * a.step end, p.stages[s.i + 1]
    from bench_report_apps a
    join (values ${sql.unsafe(paths)}) p(kind, stages) on p.kind = a.kind
    cross join lateral generate_series(1, cardinality(p.stages)) s(i)`;
  await sql`
    update applications a set stage = t.to_stage, stage_seq = t.seq
    from (select distinct on (application_id) application_id, seq, to_stage from stage_transitions order by application_id, seq desc) t
    where t.application_id = a.id and a.workflow_id like 'bench-report-%'`;
  // Offers went to approval at step 6 (5 and 7 after a revision), were sent at step 7 (9).
  await sql`
    insert into approval_items (application_id, version, level, user_id, status, requested_at, decided_at, comment)
    select a.id, v.version, l.level, case when l.level = 0 then ${org.manager.id}::uuid else ${org.gm.id}::uuid end,
           case when a.kind = 1 and v.version = 1 and l.level = 0 then 'rejected' else 'approved' end,
           a.created_at + (v.at_step - 1) * a.step + l.level * interval '2 hours',
           a.created_at + (v.at_step - 1) * a.step + l.level * interval '2 hours' + (1 + a.g % 30) * interval '1 hour' + ((a.g::bigint * 104729) % 3600) * interval '1 second',
           case when a.kind = 1 and v.version = 1 and l.level = 0 then '超出薪资范围, please revise' end
    from bench_report_apps a
    join (values (0, 1, 6), (1, 1, 6), (1, 2, 8), (2, 1, 6)) v(kind, version, at_step) on v.kind = a.kind
    cross join (values (0), (1)) l(level)
    where not (a.kind = 1 and v.version = 1 and l.level = 1)`;
  await sql`
    insert into offer_versions (application_id, version, status, offer, sent_at, expires_at, viewed_at, reminded_at, responded_at)
    select a.id, v.version, v.status,
           jsonb_build_object('position', 'Engineer', 'salary', jsonb_build_object('amount', 20000 + v.version * 1000 + a.g % 5000, 'currency', 'CNY', 'period', 'month')),
           case when v.sent_step is not null then a.created_at + (v.sent_step - 1) * a.step end,
           case when v.sent_step is not null then a.created_at + (v.sent_step - 1) * a.step + interval '7 days' end,
           case when v.sent_step is not null then a.created_at + v.sent_step * a.step end,
           case when v.sent_step is not null and a.g % 4 = 0 then a.created_at + (v.sent_step - 1) * a.step + interval '3 days' end,
           case when v.sent_step is not null then a.created_at + (v.sent_step + 1) * a.step end
    from bench_report_apps a
    join (values (0, 1, 'accepted', 7), (1, 1, 'superseded', null), (1, 2, 'accepted', 9), (2, 1, 'declined', 7)) v(kind, version, status, sent_step)
      on v.kind = a.kind`;
  await sql`
    insert into messages (key, application_id, channel, template, purpose, locale, recipient, recipient_kind, body_text, status,
                          delivered, created_at, sent_at, opened_at, open_signalled_at)
    select 'bench-report-' || a.g || '-' || m.n, a.id, 'email', m.template, m.template, case when a.g % 3 = 0 then 'zh-CN' else 'en' end,
           'x@candidates.example.com', 'candidate', 'body', case when a.g % 50 = 0 then 'failed' when a.g % 3 = 1 then 'opened' else 'sent' end,
           a.g % 50 <> 0, a.created_at + m.n * a.step, a.created_at + m.n * a.step,
           case when a.g % 3 = 1 and a.g % 50 <> 0 then a.created_at + (m.n + 1) * a.step end,
           case when a.g % 3 = 1 and a.g % 50 <> 0 then a.created_at + (m.n + 1) * a.step end
    from bench_report_apps a
    join (values (0, 'interview_acknowledgement'), (7, 'offer_sent')) m(n, template) on m.n = 0 or a.kind in (0, 1, 2)`;
  await sql`
    insert into employees (application_id, employee_number, sequence_value, name, email, locale, department_id, job_id, position, start_date,
                           offer_version, status, created_at, hired_at, task_outcomes, course_outcomes)
    select a.id, 'R' || a.g, 1000000 + a.g, '候选人 ' || a.g, 'report' || a.g || '@candidates.example.com', 'en', a.department_id, a.job_id,
           'Engineer', (a.created_at + interval '30 days')::date, case when a.kind = 1 then 2 else 1 end, 'active',
           a.created_at + (n.steps - 2) * a.step, a.created_at + (n.steps - 1) * a.step,
           jsonb_build_array(
             jsonb_build_object('key', 'id_copy', 'assignee', 'candidate', 'dueDate', (a.created_at + interval '23 days')::date,
                                'completedAt', a.created_at + (20 + a.g % 6) * interval '1 day'),
             jsonb_build_object('key', 'computer', 'assignee', 'it', 'dueDate', (a.created_at + interval '28 days')::date,
                                'completedAt', a.created_at + (25 + a.g % 6) * interval '1 day')),
           jsonb_build_array(jsonb_build_object('key', 'security', 'attempts', 1 + a.g % 3, 'passed', a.g % 7 <> 0))
    from bench_report_apps a join (values (0, 11), (1, 13)) n(kind, steps) on n.kind = a.kind`;
  const [rebuildMs] = await timed(() => sql`select report_rollups_rebuild()`);
  await sql`alter table stage_transitions enable trigger stage_transitions_rollup`;
  await sql`alter table approval_items enable trigger approval_items_rollup`;
  await sql`alter table stage_transitions enable trigger stage_transitions_rollup_update`;
  await sql`alter table approval_items enable trigger approval_items_rollup_update`;
  const [onboardingRebuildMs] = await timed(() => sql`select onboarding_quality_rollups_rebuild()`);
  for (const [table, trigger] of ONBOARDING_QUALITY_TRIGGERS) await sql`alter table ${sql(table)} enable trigger ${sql(trigger)}`;
  await sql`vacuum analyze onboarding_rollup, onboarding_task_rollup, onboarding_hired_histogram, quality_agreement_rollup,
                           quality_discrepancy_rollup, communication_rollup`;
  const [onb] = await sql<{ onboarding: number; tasks: number; hired: number; agreement: number; discrepancies: number; communications: number }[]>`
    select (select count(*) from onboarding_rollup)::int as onboarding, (select count(*) from onboarding_task_rollup)::int as tasks,
           (select count(*) from onboarding_hired_histogram)::int as hired, (select count(*) from quality_agreement_rollup)::int as agreement,
           (select count(*) from quality_discrepancy_rollup)::int as discrepancies, (select count(*) from communication_rollup)::int as communications`;
  const [promiseOfferRebuildMs] = await timed(() => sql`select report_promise_offer_rollups_rebuild()`);
  for (const [table, trigger] of PROMISE_OFFER_TRIGGERS) await sql.unsafe(`alter table ${table} enable trigger ${trigger}`);
  await sql`vacuum analyze decision_promises, decision_promise_rollup, decision_lateness_histogram, offer_report_facts, offer_rollup, offer_answer_histogram`;
  // As autovacuum would have by now: without the visibility map an index-only scan visits the heap.
  await sql`vacuum analyze stage_transitions, applications, approval_items, offer_versions, messages, employees,
                           stage_rollup, stage_stay_histogram, approval_rollup, approval_time_histogram`;
  const [counts] = await sql<{ apps: number; transitions: number; approvals: number; offers: number; messages: number; employees: number }[]>`
    select (select count(*) from applications where workflow_id like 'bench-report-%')::int as apps,
           (select count(*) from stage_transitions)::int as transitions,
           (select count(*) from approval_items)::int as approvals,
           (select count(*) from offer_versions)::int as offers,
           (select count(*) from messages where key like 'bench-report-%')::int as messages,
           (select count(*) from employees where employee_number like 'R%')::int as employees`;
  const [rollups] = await sql<{ stage: number; stage_hist: number; approval: number; approval_hist: number }[]>`
    select (select count(*) from stage_rollup)::int as stage, (select count(*) from stage_stay_histogram)::int as stage_hist,
           (select count(*) from approval_rollup)::int as approval, (select count(*) from approval_time_histogram)::int as approval_hist`;
  const [po] = await sql<{ promises: number; promise_rollup: number; lateness: number; offer_facts: number; offer_rollup: number; answers: number }[]>`
    select (select count(*) from decision_promises)::int as promises, (select count(*) from decision_promise_rollup)::int as promise_rollup,
           (select count(*) from decision_lateness_histogram)::int as lateness, (select count(*) from offer_report_facts)::int as offer_facts,
           (select count(*) from offer_rollup)::int as offer_rollup, (select count(*) from offer_answer_histogram)::int as answers`;
  const c = counts!;
  const r = rollups!;
  const n = (v: number) => v.toLocaleString('en');
  return (
    `${n(c.apps)} applications, ${n(c.transitions)} stage transitions (all applications), ${n(c.approvals)} approval items, ${n(c.offers)} offer versions, ${n(c.messages)} messages, ${n(c.employees)} new hires; ` +
    `rollups rebuilt in ${(rebuildMs / 1000).toFixed(1)} s into ${n(r.stage)} stage_rollup, ${n(r.stage_hist)} stage_stay_histogram, ${n(r.approval)} approval_rollup and ${n(r.approval_hist)} approval_time_histogram rows (days and months)` +
    `; onboarding, hiring-quality and communications rollups rebuilt in ${(onboardingRebuildMs / 1000).toFixed(1)} s into ${n(onb!.onboarding)} onboarding_rollup, ${n(onb!.tasks)} onboarding_task_rollup, ${n(onb!.hired)} onboarding_hired_histogram, ${n(onb!.agreement)} quality_agreement_rollup, ${n(onb!.discrepancies)} quality_discrepancy_rollup and ${n(onb!.communications)} communication_rollup rows` +
    `; ` +
    `decision-promise and offers ledgers and rollups rebuilt in ${(promiseOfferRebuildMs / 1000).toFixed(1)} s: ${n(po!.promises)} decision_promises, ` +
    `${n(po!.promise_rollup)} decision_promise_rollup, ${n(po!.lateness)} decision_lateness_histogram, ${n(po!.offer_facts)} offer_report_facts, ` +
    `${n(po!.offer_rollup)} offer_rollup, ${n(po!.answers)} offer_answer_histogram rows`
  );
}

/** The triggers that fill the decision-promise and offers ledgers from the facts (migration 0017). */
const PROMISE_OFFER_TRIGGERS = [
  ['applications', 'applications_promise_ledger_insert'],
  ['applications', 'applications_promise_ledger_update'],
  ['stage_transitions', 'stage_transitions_promise_ledger_insert'],
  ['stage_transitions', 'stage_transitions_promise_ledger_update'],
  ['stage_transitions', 'stage_transitions_promise_ledger_delete'],
  ['offer_versions', 'offer_versions_report_ledger'],
] as const;

const RUNNERS: Record<(typeof REPORT_NAMES)[number], (db: DbHandle, f: reports.TReportFilter, now: Date) => Promise<unknown>> = {
  funnel: reports.funnel,
  'stage-times': reports.stageTimes,
  'decision-promise': reports.decisionPromise,
  approvals: reports.approvals,
  offers: reports.offers,
  communications: reports.communications,
  onboarding: reports.onboarding,
  'hiring-quality': reports.hiringQuality,
};

/** The SQL a report function runs, with its parameters, captured through a recording handle. */
async function capture(db: DbHandle, name: (typeof REPORT_NAMES)[number], f: reports.TReportFilter) {
  const seen: SQL[] = [];
  reports.observeReportQueries((q) => seen.push(q));
  try {
    await RUNNERS[name](db, f, new Date());
  } finally {
    reports.observeReportQueries(null);
  }
  const dialect = new PgDialect();
  return seen.map((q) => dialect.sqlToQuery(q));
}

/**
 * The queries the rollup reports ran before migration 0013, exact (percentile_cont over every
 * duration of the period): the reference each of them is timed against, straight in SQL.
 */
const EXACT_REFERENCE: Partial<Record<(typeof REPORT_NAMES)[number], (from: string, to: string) => string[]>> = {
  funnel: (from, to) => [
    `select to_stage, count(*)::int, count(*) filter (where next_stage is not null and next_stage not in ('rejected', 'withdrawn', 'declined', 'expired', 'probation_failed'))::int,
            count(*) filter (where next_stage = 'rejected')::int, count(*) filter (where next_stage = 'withdrawn')::int,
            count(*) filter (where next_stage = 'declined')::int, count(*) filter (where next_stage = 'expired')::int,
            count(*) filter (where next_stage is null)::int
     from stage_transitions t where t.at >= '${from}' and t.at < '${to}' group by to_stage`,
  ],
  'stage-times': (from, to) => [
    `select to_stage, count(*)::int, percentile_cont(array[0.5, 0.9]) within group (order by stay_seconds), max(stay_seconds)
     from stage_transitions t where t.at >= '${from}' and t.at < '${to}' and stay_seconds is not null group by to_stage`,
  ],
  approvals: (from, to) => {
    const items = `select i.level, i.user_id, i.status, extract(epoch from i.decided_at - i.requested_at)::float8 as secs
      from approval_items i where i.requested_at is not null and i.requested_at >= '${from}' and i.requested_at < '${to}'`;
    const times = `count(*) filter (where status in ('approved', 'rejected'))::int, count(*) filter (where status = 'approved')::int,
      count(*) filter (where status = 'rejected')::int, count(*) filter (where status = 'delegated')::int,
      percentile_cont(0.5) within group (order by secs) filter (where status in ('approved', 'rejected')),
      percentile_cont(0.9) within group (order by secs) filter (where status in ('approved', 'rejected'))`;
    return [`with i as (${items}) select level, ${times} from i group by level`, `with i as (${items}) select user_id, ${times} from i group by user_id`];
  },
};

/** Reports whose exact reference is a function of their own (from before their rollups), timed through the database handle. */
const EXACT_FUNCTIONS: Partial<Record<(typeof REPORT_NAMES)[number], (db: DbHandle, f: reports.TReportFilter, now: Date) => Promise<unknown>>> = {
  'decision-promise': reports.decisionPromiseExact,
  offers: reports.offersExact,
  communications: (db, f) => reports.communicationsFromFacts(db, f),
  onboarding: (db, f) => reports.onboardingFromFacts(db, f),
  'hiring-quality': (db, f) => reports.hiringQualityFromFacts(db, f),
};

export async function benchReports(ctx: BenchContext, applications: number, samples: number, warmUp = 3): Promise<PhaseResult> {
  const { stack, org } = ctx;
  const [seedMs, what] = await timed(() => seed(ctx, applications));
  log(`reports: seeded ${what} in ${(seedMs / 1000).toFixed(1)} s`);
  const [job] = await stack.sql<{ id: string }[]>`select id from jobs where title = 'Reports job 0'`;
  const DAY = 86_400_000;
  const now = Date.now();
  const iso = (d: number) => new Date(now - d * DAY).toISOString();
  const refSamples = Math.max(3, Math.ceil(samples / 6));
  const filters = [
    { label: 'last 30 days', query: '', days: 30, reference: true },
    { label: 'one job, 90 days', query: `from=${iso(90)}&jobId=${job!.id}`, days: 90, reference: false },
    { label: '365 days, all', query: `from=${iso(365)}`, days: 365, reference: true },
  ];
  const rows: PhaseResult['rows'] = [];
  const lines: string[] = [];
  for (const name of REPORT_NAMES) {
    const cells: string[] = [];
    const refs: string[] = [];
    let met = true;
    for (const f of filters) {
      const times: number[] = [];
      let errors = 0;
      for (let i = 0; i < samples + warmUp; i++) {
        const url = `/v1/reports/${name}${f.query ? `?${f.query}` : ''}`;
        const [t, r] = await timed(() => stack.http.call('GET', url, { token: org.hr.token }));
        if (r.status !== 200) errors += 1;
        if (i >= warmUp) times.push(t);
      }
      const s = summarize(times);
      met &&= s.p99 < TARGET_P99_MS && errors === 0;
      cells.push(`${f.label}: p50 ${ms(s.p50)}, p99 ${ms(s.p99)}${errors ? ` (${errors} errors)` : ''}`);
      log(`reports ${name} ${f.label}: p50 ${ms(s.p50)} p99 ${ms(s.p99)}${errors ? ` ${errors} errors` : ''}`);
      const exact = EXACT_REFERENCE[name];
      if (exact && f.reference) {
        const queries = exact(iso(f.days), new Date(now).toISOString());
        const ref: number[] = [];
        for (let i = 0; i < refSamples + 1; i++) {
          const [t] = await timed(() =>
            stack.sql.begin(async (tx) => {
              await tx`set local jit = off`;
              await tx`set local work_mem = '32MB'`;
              for (const q of queries) await tx.unsafe(q);
            }),
          );
          if (i >= 1) ref.push(t);
        }
        const r = summarize(ref);
        refs.push(`${f.label}: p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`);
        log(`reports ${name} ${f.label}, exact before the rollups (SQL only): p50 ${ms(r.p50)} p99 ${ms(r.p99)}`);
      }
      const exactFn = EXACT_FUNCTIONS[name];
      if (exactFn && f.reference) {
        const filter = { from: new Date(now - f.days * DAY), to: new Date(now) };
        const ref: number[] = [];
        for (let i = 0; i < refSamples + 1; i++) {
          const [t] = await timed(() => exactFn(stack.db, filter, new Date()));
          if (i >= 1) ref.push(t);
        }
        const r = summarize(ref);
        refs.push(`${f.label}: p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`);
        log(`reports ${name} ${f.label}, exact before the rollups (report function, no HTTP): p50 ${ms(r.p50)} p99 ${ms(r.p99)}`);
      }
    }
    rows.push({
      measure: `8. Report ${name} (n=${samples} per filter)`,
      ours: cells.join('; '),
      reference: refs.length
        ? `exact query before the rollups, ${EXACT_FUNCTIONS[name] ? 'report function without HTTP' : 'SQL only'} (n=${refSamples}): ${refs.join('; ')}`
        : 'same query as before',
      comparison: '–',
      target: `p99 < ${TARGET_P99_MS} ms`,
      met,
    });
    lines.push(`**${name}** (${cells.join('; ')})`, '');
    for (const days of EXACT_REFERENCE[name] || EXACT_FUNCTIONS[name] ? [30, 365] : [30]) {
      const queries = await capture(stack.db, name, { from: new Date(now - days * DAY), to: new Date(now) });
      lines.push(`${days} days, ${queries.length === 1 ? 'the query' : `its ${queries.length} queries`}:`, '');
      for (const q of queries) {
        // As the report runs it (db/queries/reports.ts): without JIT.
        const plan = await stack.sql.begin(async (tx) => {
          await tx`set local jit = off`;
          await tx`set local work_mem = '32MB'`;
          return (await tx.unsafe(`explain (analyze, buffers) ${q.sql}`, q.params as never[])).map((r) => String(r['QUERY PLAN'])).join('\n');
        });
        lines.push('```', plan, '```', '');
      }
    }
  }
  return {
    rows,
    details: [
      `Seeded in ${(seedMs / 1000).toFixed(1)} s: ${what}. Timed through the API (HR's token), ${samples} requests per filter after ${warmUp} warm-up; the exact references straight in SQL, ${refSamples} runs after one warm-up.`,
      '',
      ...lines,
    ].join('\n'),
  };
}
