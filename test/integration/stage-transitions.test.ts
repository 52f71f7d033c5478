/**
 * stage_transitions from real journeys: the mirror activities write one row per stage
 * change in the workflow's timeline (same sequence, stages, time and actor), a repeated
 * write (an activity retry) adds nothing, and the backfill from the workflows' status
 * rebuilds exactly the facts the live writes made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApplicationActivities } from '../../activities/applications';
import { backfillAll } from '../../scripts/backfill-transitions';
import { createOrg, type Org } from '../helpers/org';
import { atStage, inDecision, inDiscrepancyReview, onboarded, quickJob, status } from '../helpers/scenario';
import { startStack, type Stack } from '../helpers/stack';

let s: Stack;
let org: Org;
const ids: Record<'accepted' | 'rejected' | 'withdrawn', string> = { accepted: '', rejected: '', withdrawn: '' };

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
  const jobId = await quickJob(s, org);
  const [a, r, w] = await Promise.all([onboarded(s, org, jobId), inDecision(s, org, jobId), inDiscrepancyReview(s, org, jobId)]);
  ids.accepted = a.id;
  ids.rejected = r.id;
  ids.withdrawn = w.id;
  const reject = await s.api('POST', `/v1/applications/${r.id}/decision`, { token: org.hr.token, body: { decision: 'reject', reason: 'not now' } });
  expect(reject.status).toBe(200);
  const resolve = await s.api('POST', `/v1/applications/${w.id}/discrepancies/${w.discrepancyId}/resolution`, {
    token: org.hr.token,
    body: { resolution: 'dismissed' },
  });
  expect(resolve.status).toBe(200);
  await atStage(s, org, w.id, 'evaluation');
  const withdraw = await s.api('POST', `/v1/applications/${w.id}/withdraw`, { token: org.hr.token, body: { reason: 'took another offer' } });
  expect(withdraw.status).toBe(200);
  await atStage(s, org, r.id, 'rejected');
  await atStage(s, org, w.id, 'withdrawn');
}, 240_000);

afterAll(async () => {
  await s?.stop();
});

type Row = {
  application_id: string;
  seq: number;
  from_stage: string;
  to_stage: string;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  job_id: string;
  department_id: string;
  left_at: string | null;
  next_stage: string | null;
};

const transitions = (id: string) =>
  s.db.handle.rows<Row & { source: string }>(sql`
    select application_id, seq, from_stage, to_stage, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
           actor_id, actor_name, job_id, department_id,
           to_char(left_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as left_at, next_stage, source
    from stage_transitions where application_id = ${id}::uuid order by seq`);

/** Every fact the live writes make for the reports, in one comparable snapshot. */
async function facts() {
  const all = Object.values(ids);
  const list = sql.join(all.map((id) => sql`${id}::uuid`), sql`, `);
  return {
    transitions: (await s.db.handle.rows<Row & { source: string }>(sql`
      select application_id, seq, from_stage, to_stage, at, actor_id, actor_name, job_id, department_id, left_at, next_stage
      from stage_transitions where application_id in (${list}) order by application_id, seq`)),
    applications: await s.db.handle.rows(sql`select id, decision_due_at, discrepancies, score_dimensions from applications where id in (${list}) order by id`),
    approvals: await s.db.handle.rows(sql`select application_id, version, level, user_id, status, requested_at, decided_at, comment from approval_items where application_id in (${list}) order by 1, 2, 3, 4`),
    offers: await s.db.handle.rows(sql`select application_id, version, viewed_at, reminded_at, responded_at from offer_versions where application_id in (${list}) order by 1, 2`),
  };
}

describe('stage_transitions', () => {
  it('holds one row per stage change of the timeline: same sequence, stages, time and actor', async () => {
    for (const [path, id] of Object.entries(ids)) {
      const st = await status(s, org, id);
      const changes = (st.timeline as { at: string; type: string; actor: any; detail: any }[]).filter((e) => e.type === 'stage_changed');
      const rows = await transitions(id);
      expect(rows.map((r) => [r.seq, r.from_stage, r.to_stage, r.at, r.actor_id, r.source]), path).toEqual(
        changes.map((e, i) => [i + 1, e.detail.from, e.detail.to, e.at, e.actor === 'system' ? null : e.actor.id, 'live']),
      );
      // Each stay ends where the next begins; the last one is open.
      rows.forEach((r, i) => {
        const next = rows[i + 1];
        expect([r.left_at, r.next_stage], `${path} seq ${r.seq}`).toEqual(next ? [next.at, next.to_stage] : [null, null]);
      });
      expect(rows.at(-1)!.to_stage).toBe(st.stage);
      expect(new Set(rows.map((r) => r.job_id))).toEqual(new Set([st.jobId]));
    }
    const accepted = await transitions(ids.accepted);
    expect(accepted.map((r) => r.to_stage).slice(-3)).toEqual(['offer_sent', 'accepted', 'onboarding']);
    const withdrawn = await transitions(ids.withdrawn);
    expect(withdrawn.at(-1)).toMatchObject({ to_stage: 'withdrawn', from_stage: 'evaluation', actor_id: org.hr.id, actor_name: 'Hana HR' });
  });

  it('a repeated mirror write (an activity retry) adds and changes nothing', async () => {
    const before = await transitions(ids.rejected);
    const acts = createApplicationActivities({ db: s.db.handle, config: s.config, log: { info() {}, warn() {}, error() {} }, now: () => new Date() });
    const second = before[1]!;
    await acts.recordStage({
      applicationId: ids.rejected,
      stage: 'screening',
      seq: second.seq,
      from: 'validating',
      at: new Date().toISOString(),
      actor: 'system',
    });
    expect(await transitions(ids.rejected)).toEqual(before);
    const [app] = await s.db.handle.rows<{ stage: string }>(sql`select stage from applications where id = ${ids.rejected}::uuid`);
    expect(app!.stage).toBe('rejected');
  });

  it('the mirrors carry the decision promise, discrepancies, scores per competency and approval times', async () => {
    const f = await facts();
    for (const a of f.applications) expect(a.decision_due_at).not.toBeNull();
    const withdrawn = f.applications.find((a) => a.id === ids.withdrawn)!;
    expect((withdrawn.discrepancies as any[]).some((d) => d.severity === 'high' && d.resolution === 'dismissed')).toBe(true);
    const rejected = f.applications.find((a) => a.id === ids.rejected)!;
    expect((rejected.score_dimensions as any[]).map((d) => d.key).sort()).toEqual(['programming', 'systems', 'teamwork']);
    const approval = f.approvals.find((a) => a.application_id === ids.accepted)!;
    expect(approval).toMatchObject({ user_id: org.gm.id, status: 'approved' });
    expect(approval.requested_at).not.toBeNull();
    expect(approval.decided_at).not.toBeNull();
    const offer = f.offers.find((o) => o.application_id === ids.accepted)!;
    expect(offer.responded_at).not.toBeNull();
  });

  it('the backfill from the workflows rebuilds exactly the facts the live writes made', async () => {
    const live = await facts();
    expect(live.transitions.length).toBeGreaterThan(15);
    const db = s.db.handle.db;
    await db.execute(sql`delete from stage_transitions`);
    await db.execute(sql`update applications set decision_due_at = null, discrepancies = null, score_dimensions = null`);
    await db.execute(sql`update approval_items set requested_at = null, decided_at = null, comment = null`);
    await db.execute(sql`update offer_versions set viewed_at = null, reminded_at = null, responded_at = null`);

    const result = await backfillAll(s.db.handle, s.temporal);
    expect(result.failed).toEqual([]);
    expect(result.transitionsAdded).toBe(live.transitions.length);
    expect(await facts()).toEqual(live);
    const sources = await s.db.handle.rows<{ source: string }>(sql`select distinct source from stage_transitions`);
    expect(sources).toEqual([{ source: 'backfill' }]);

    // Run again: nothing new.
    const again = await backfillAll(s.db.handle, s.temporal);
    expect(again.transitionsAdded).toBe(0);
    expect(await facts()).toEqual(live);
  });
});
