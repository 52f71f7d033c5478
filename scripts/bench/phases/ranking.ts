/**
 * 4. Ranking: GET /v1/jobs/:id/ranking (first page, default limit) for a job with 10,000
 * and one with 100,000 applications, inserted straight into PostgreSQL with
 * generate_series (no workflows). Reference: the route's own SQL run directly with
 * postgres.js. The plan (EXPLAIN ANALYZE) shows which index serves it.
 */
import { rankingPage } from '../../../api/routes/jobs';
import { createJob } from '../seed';
import { ms, signedMs, type BenchContext, type PhaseResult } from '../context';
import { log, summarize, timed } from '../util';

const TARGET_P99_MS = 50;
const PAGE = 50; // ZLimitSchema's default

/** The query GET /v1/jobs/:id/ranking runs for a first page: the route's own builder. */
function rankingQuery(ctx: BenchContext, jobId: string) {
  return rankingPage(ctx.stack.db.db, { jobId, includeClosed: false, after: undefined, limit: PAGE + 1 }).toSQL();
}

async function insertApplications(ctx: BenchContext, jobId: string, n: number) {
  const resume = { skills: [], experienceYears: 3, workHistory: [], projects: [], certificates: [], education: [] };
  const interview = {
    completedAt: '2026-11-20T09:00:00Z',
    accuracy: 0.5,
    questions: [],
    skillScores: {},
    competencyScores: {},
    behavior: { eyeContact: 0.5, toneVariation: 0.5 },
    keywordsMatched: [],
    recordingUrl: 'https://recordings.example.com/r/bench',
  };
  // A realistic mix: most screened (match score), a third evaluated (composite), some closed, some not yet scored.
  await ctx.stack.sql`
    insert into applications (id, request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale,
                              resume, interview, accuracy, stage, stage_seq, match_score, ai_score, human_score, composite_score,
                              created_at, updated_at)
    select gen_random_uuid(), md5(${jobId}::text || g::text), ${jobId}::uuid, ${ctx.org.departmentId}::uuid, 'bench-rank-' || ${jobId}::text || '-' || g::text,
           'Ranked Candidate ' || g, 'ranked' || g || '@candidates.example.com', 'en',
           ${JSON.stringify(resume)}::jsonb, ${JSON.stringify(interview)}::jsonb,
           round(random()::numeric, 4),
           (array['screening','evaluation','decision','offer_drafting','rejected','withdrawn','evaluation','evaluation'])[1 + g % 8],
           3,
           case when g % 8 = 0 then null else round((random() * 100)::numeric, 3) end,
           case when g % 8 = 0 then null else round((random() * 100)::numeric, 3) end,
           case when g % 3 = 0 and g % 8 <> 0 then round((random() * 100)::numeric, 3) end,
           case when g % 3 = 0 and g % 8 <> 0 then round((random() * 100)::numeric, 3) end,
           now() - make_interval(secs => g), now()
    from generate_series(1, ${n}::int) g`;
}

export async function benchRanking(ctx: BenchContext, sizes: number[], samples: number, warmUp = 20): Promise<PhaseResult> {
  const { stack, org } = ctx;
  const rows: PhaseResult['rows'] = [];
  const details: string[] = [];
  for (const size of sizes) {
    const jobId = await createJob(stack.http, org, `Ranked ${size}`);
    const [insertMs] = await timed(() => insertApplications(ctx, jobId, size));
    await stack.sql`analyze applications`;
    log(`ranking: inserted ${size} applications in ${(insertMs / 1000).toFixed(1)} s`);
    const q = rankingQuery(ctx, jobId);
    const api: number[] = [];
    const direct: number[] = [];
    let errors = 0;
    let sameRows = true;
    for (let i = 0; i < samples + warmUp; i++) {
      const [ta, r] = await timed(() => stack.http.call<{ items: { id: string }[] }>('GET', `/v1/jobs/${jobId}/ranking`, { token: org.hr.token }));
      if (r.status !== 200 || r.body.items.length !== PAGE) errors += 1;
      const [tb, firstRows] = await timed(() => stack.sql.unsafe(q.sql, q.params as never[], { prepare: true }));
      // The replicated SQL must be the route's: the same rows in the same order.
      if (i === 0) sameRows = r.body.items.map((x) => x.id).join() === firstRows.slice(0, PAGE).map((x) => String(x.id)).join();
      if (i >= warmUp) {
        api.push(ta);
        direct.push(tb);
      }
    }
    const explain = async (text: string) =>
      (await stack.sql.unsafe(`explain (analyze, buffers) ${text}`, q.params as never[])).map((r) => String(r['QUERY PLAN'])).join('\n');
    const plan = await explain(q.sql);
    const usesIndex = plan.includes('applications_ranking_idx');
    const sa = summarize(api);
    const sd = summarize(direct);
    log(`ranking ${size}: API p50 ${ms(sa.p50)} p99 ${ms(sa.p99)} | SQL p50 ${ms(sd.p50)} p99 ${ms(sd.p99)} | index ${usesIndex ? 'used' : 'NOT used'}`);
    rows.push({
      measure: `4. Ranking first page, ${size.toLocaleString('en')} apps (n=${samples})`,
      ours: `p50 ${ms(sa.p50)}, p99 ${ms(sa.p99)}`,
      reference: `p50 ${ms(sd.p50)}, p99 ${ms(sd.p99)} same SQL direct`,
      comparison: `${signedMs(sa.p99 - sd.p99)} at p99; ${usesIndex ? 'index scan on applications_ranking_idx' : 'ranking index NOT used'}`,
      target: size >= 100_000 ? `p99 < ${TARGET_P99_MS} ms` : '–',
      met: size >= 100_000 ? sa.p99 < TARGET_P99_MS && usesIndex : null,
    });
    details.push(
      `**${size.toLocaleString('en')} applications** (inserted in ${(insertMs / 1000).toFixed(1)} s; ${samples} requests after ${warmUp} warm-up; ${errors} errors): ` +
        `API p50 ${ms(sa.p50)} / p90 ${ms(sa.p90)} / p99 ${ms(sa.p99)}; the SQL alone p50 ${ms(sd.p50)} / p99 ${ms(sd.p99)}. ` +
        (sameRows ? 'The SQL run directly returned the same rows in the same order as the API.' : '**The SQL run directly returned other rows than the API: the replicated query no longer matches api/routes/jobs.ts.**'),
      '',
      '```',
      plan,
      '```',
      '',
    );
  }
  return { rows, details: [`The route's first-page query, built with the same drizzle calls as api/routes/jobs.ts:`, '', '```sql', rankingQuery(ctx, '$1').sql, '```', '', ...details].join('\n') };
}
