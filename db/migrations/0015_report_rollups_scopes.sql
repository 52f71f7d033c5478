DROP INDEX "approval_rollup_dept_idx";--> statement-breakpoint
DROP INDEX "approval_time_histogram_dept_idx";--> statement-breakpoint
DROP INDEX "stage_rollup_dept_idx";--> statement-breakpoint
DROP INDEX "stage_stay_histogram_dept_idx";--> statement-breakpoint
CREATE INDEX "approval_rollup_scope_idx" ON "approval_rollup" USING btree ("department_id","job_id","grain","period");--> statement-breakpoint
DROP INDEX "approval_time_histogram_job_idx";--> statement-breakpoint
CREATE INDEX "approval_time_histogram_job_idx" ON "approval_time_histogram" USING btree ("job_id","grain","period","department_id","level","user_id","bucket","n","sum_seconds");--> statement-breakpoint
CREATE INDEX "approval_time_histogram_scope_idx" ON "approval_time_histogram" USING btree ("department_id","job_id","grain","period","level","user_id","bucket","n","sum_seconds");--> statement-breakpoint
CREATE INDEX "stage_rollup_scope_idx" ON "stage_rollup" USING btree ("department_id","job_id","grain","period");--> statement-breakpoint
DROP INDEX "stage_stay_histogram_job_idx";--> statement-breakpoint
CREATE INDEX "stage_stay_histogram_job_idx" ON "stage_stay_histogram" USING btree ("job_id","grain","period","department_id","stage","bucket","n","sum_seconds");--> statement-breakpoint
CREATE INDEX "stage_stay_histogram_scope_idx" ON "stage_stay_histogram" USING btree ("department_id","job_id","grain","period","stage","bucket","n","sum_seconds");--> statement-breakpoint
-- Hand-written from here (docs/reports.md, "Rollups"). Migration 0013's rollups, kept per job
-- and per UTC day and month, gain two scopes and a grain: rows for a whole department (job_id
-- = the nil uuid) and for everything (both nil), so an unfiltered or department report reads
-- one row per stage (level, approver) and period instead of one per job; and ISO weeks (from
-- Monday), so a period reads at most six day rows on either side of its weeks. The row
-- triggers become statement triggers that add up a statement's changes per rollup row and
-- apply them in one upsert per table, in key order: two writers that touch the same rows lock
-- them in the same order, so they wait for each other but never deadlock (and a statement of
-- many rows, such as a retention delete, updates each rollup row once).
DROP TRIGGER IF EXISTS "stage_transitions_rollup" ON "stage_transitions";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "approval_items_rollup" ON "approval_items";
--> statement-breakpoint
DROP FUNCTION IF EXISTS "report_rollups_row"();
--> statement-breakpoint
DROP FUNCTION IF EXISTS "stage_rollup_add"("stage_transitions", int);
--> statement-breakpoint
DROP FUNCTION IF EXISTS "approval_rollup_add"("approval_items", int);
--> statement-breakpoint
-- The first day after a rollup row's period.
CREATE OR REPLACE FUNCTION "report_period_end"(grain text, p date) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (p + CASE grain WHEN 'day' THEN interval '1 day' WHEN 'week' THEN interval '7 days' ELSE interval '1 month' END)::date
$$;
--> statement-breakpoint
-- The rollup rows a fact of job j and department d counts in: per grain, its own job, its
-- department (job nil) and everything (both nil), each with the period that holds `at`.
CREATE OR REPLACE FUNCTION "report_rollup_keys"(at timestamptz, j uuid, d uuid)
  RETURNS TABLE (grain text, period date, job_id uuid, department_id uuid)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT g.grain, date_trunc(g.grain, at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id
  FROM (VALUES ('day'), ('week'), ('month')) g(grain)
  CROSS JOIN (VALUES (j, d), ('00000000-0000-0000-0000-000000000000'::uuid, d),
                     ('00000000-0000-0000-0000-000000000000'::uuid, '00000000-0000-0000-0000-000000000000'::uuid)) s(job_id, department_id)
$$;
--> statement-breakpoint
-- A statement's stays as they were (sign -1) and as they are (sign 1), in every rollup row they count in.
CREATE OR REPLACE FUNCTION "stage_rollup_shares"(olds "stage_transitions"[], news "stage_transitions"[])
  RETURNS TABLE (grain text, period date, job_id uuid, department_id uuid, stage text, sign int, next_stage text, stay_seconds double precision)
  LANGUAGE sql STABLE AS $$
  SELECT k.grain, k.period, k.job_id, k.department_id, c.to_stage, c.sign, c.next_stage, c.stay_seconds
  FROM (SELECT o.at, o.job_id, o.department_id, o.to_stage, o.next_stage, o.stay_seconds, -1 AS sign FROM unnest(olds) o
        UNION ALL
        SELECT n.at, n.job_id, n.department_id, n.to_stage, n.next_stage, n.stay_seconds, 1 FROM unnest(news) n) c
  CROSS JOIN LATERAL report_rollup_keys(c.at, c.job_id, c.department_id) k
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "stage_rollups_apply"(olds "stage_transitions"[], news "stage_transitions"[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- Rows whose counts or longest stay may change (an update that changes none of what they
  -- count, such as a repeated close, locks nothing), in key order.
  INSERT INTO stage_rollup AS s (grain, period, job_id, department_id, stage, entered, "left", moved_on,
                                 rejected, withdrawn, declined, expired, max_seconds)
  SELECT x.grain, x.period, x.job_id, x.department_id, x.stage, sum(x.sign), sum(x.sign * (x.next_stage IS NOT NULL)::int),
         sum(x.sign * coalesce(x.next_stage NOT IN ('rejected', 'withdrawn', 'declined', 'expired', 'probation_failed'), false)::int),
         sum(x.sign * coalesce(x.next_stage = 'rejected', false)::int), sum(x.sign * coalesce(x.next_stage = 'withdrawn', false)::int),
         sum(x.sign * coalesce(x.next_stage = 'declined', false)::int), sum(x.sign * coalesce(x.next_stage = 'expired', false)::int),
         max(x.stay_seconds) FILTER (WHERE x.sign > 0)
  FROM stage_rollup_shares(olds, news) x
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(x.sign) <> 0 OR sum(x.sign * (x.next_stage IS NOT NULL)::int) <> 0
      OR array_agg(x.next_stage ORDER BY x.next_stage) FILTER (WHERE x.sign > 0) IS DISTINCT FROM array_agg(x.next_stage ORDER BY x.next_stage) FILTER (WHERE x.sign < 0)
      OR array_agg(x.stay_seconds ORDER BY x.stay_seconds) FILTER (WHERE x.sign > 0) IS DISTINCT FROM array_agg(x.stay_seconds ORDER BY x.stay_seconds) FILTER (WHERE x.sign < 0)
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (grain, period, job_id, department_id, stage) DO UPDATE SET
    entered = s.entered + excluded.entered, "left" = s."left" + excluded."left", moved_on = s.moved_on + excluded.moved_on,
    rejected = s.rejected + excluded.rejected, withdrawn = s.withdrawn + excluded.withdrawn,
    declined = s.declined + excluded.declined, expired = s.expired + excluded.expired,
    max_seconds = greatest(s.max_seconds, excluded.max_seconds);
  INSERT INTO stage_stay_histogram AS h (grain, period, job_id, department_id, stage, bucket, n, sum_seconds)
  SELECT x.grain, x.period, x.job_id, x.department_id, x.stage, report_duration_bucket(x.stay_seconds), sum(x.sign), sum(x.sign * x.stay_seconds)
  FROM stage_rollup_shares(olds, news) x
  WHERE x.stay_seconds IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6
  HAVING sum(x.sign) <> 0 OR sum(x.sign * x.stay_seconds) <> 0
  ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (grain, period, job_id, department_id, stage, bucket) DO UPDATE SET
    n = h.n + excluded.n, sum_seconds = h.sum_seconds + excluded.sum_seconds;
  -- A removed stay may have been the longest: the maximum again from the facts (rare: stays
  -- are closed once; only a deleted application or a corrected stay removes one). Only rows the
  -- upsert above has just locked. Checked first: closing a stay removes none, and the update
  -- below, planned for any number of keys, scans the rollup.
  IF EXISTS (SELECT 1 FROM unnest(olds) o WHERE o.stay_seconds IS NOT NULL) THEN
    UPDATE stage_rollup s SET max_seconds = (
      SELECT max(t.stay_seconds) FROM stage_transitions t
      WHERE t.to_stage = s.stage
        AND t.at >= s.period::timestamp AT TIME ZONE 'UTC' AND t.at < report_period_end(s.grain, s.period)::timestamp AT TIME ZONE 'UTC'
        AND (s.job_id = '00000000-0000-0000-0000-000000000000' OR t.job_id = s.job_id)
        AND (s.department_id = '00000000-0000-0000-0000-000000000000' OR t.department_id = s.department_id))
    FROM (
      SELECT x.grain, x.period, x.job_id, x.department_id, x.stage
      FROM stage_rollup_shares(olds, news) x
      GROUP BY 1, 2, 3, 4, 5
      HAVING bool_or(x.sign < 0 AND x.stay_seconds IS NOT NULL)
         AND array_agg(x.stay_seconds ORDER BY x.stay_seconds) FILTER (WHERE x.sign > 0) IS DISTINCT FROM array_agg(x.stay_seconds ORDER BY x.stay_seconds) FILTER (WHERE x.sign < 0)
    ) r
    WHERE s.grain = r.grain AND s.period = r.period AND s.job_id = r.job_id AND s.department_id = r.department_id AND s.stage = r.stage;
  END IF;
END;
$$;
--> statement-breakpoint
-- A statement's approval items as they were and as they are, counted by the day, week and
-- month they were requested under their application's job and department (both scopes too).
CREATE OR REPLACE FUNCTION "approval_rollup_shares"(olds "approval_items"[], news "approval_items"[])
  RETURNS TABLE (grain text, period date, job_id uuid, department_id uuid, level int, user_id uuid, sign int, status text, secs double precision)
  LANGUAGE sql STABLE AS $$
  SELECT k.grain, k.period, k.job_id, k.department_id, c.level, c.user_id, c.sign, c.status,
         CASE WHEN c.status IN ('approved', 'rejected') AND c.decided_at IS NOT NULL THEN extract(epoch from c.decided_at - c.requested_at)::float8 END
  FROM (SELECT o.application_id, o.level, o.user_id, o.status, o.requested_at, o.decided_at, -1 AS sign FROM unnest(olds) o
        UNION ALL
        SELECT n.application_id, n.level, n.user_id, n.status, n.requested_at, n.decided_at, 1 FROM unnest(news) n) c
  JOIN applications a ON a.id = c.application_id
  CROSS JOIN LATERAL report_rollup_keys(c.requested_at, a.job_id, a.department_id) k
  WHERE c.requested_at IS NOT NULL
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "approval_rollups_apply"(olds "approval_items"[], news "approval_items"[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO approval_rollup AS s (grain, period, job_id, department_id, level, user_id, requested, approved, rejected, delegated)
  SELECT x.grain, x.period, x.job_id, x.department_id, x.level, x.user_id, sum(x.sign), sum(x.sign * (x.status = 'approved')::int),
         sum(x.sign * (x.status = 'rejected')::int), sum(x.sign * (x.status = 'delegated')::int)
  FROM approval_rollup_shares(olds, news) x
  GROUP BY 1, 2, 3, 4, 5, 6
  HAVING sum(x.sign) <> 0 OR sum(x.sign * (x.status = 'approved')::int) <> 0 OR sum(x.sign * (x.status = 'rejected')::int) <> 0
      OR sum(x.sign * (x.status = 'delegated')::int) <> 0
  ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (grain, period, job_id, department_id, level, user_id) DO UPDATE SET
    requested = s.requested + excluded.requested, approved = s.approved + excluded.approved,
    rejected = s.rejected + excluded.rejected, delegated = s.delegated + excluded.delegated;
  INSERT INTO approval_time_histogram AS h (grain, period, job_id, department_id, level, user_id, bucket, n, sum_seconds)
  SELECT x.grain, x.period, x.job_id, x.department_id, x.level, x.user_id, report_duration_bucket(x.secs), sum(x.sign), sum(x.sign * x.secs)
  FROM approval_rollup_shares(olds, news) x
  WHERE x.secs IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  HAVING sum(x.sign) <> 0 OR sum(x.sign * x.secs) <> 0
  ORDER BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT (grain, period, job_id, department_id, level, user_id, bucket) DO UPDATE SET
    n = h.n + excluded.n, sum_seconds = h.sum_seconds + excluded.sum_seconds;
END;
$$;
--> statement-breakpoint
-- One trigger function for both tables and all three events: the statement's old and new rows
-- (transition tables old_rows, new_rows) handed to the table's apply function.
CREATE OR REPLACE FUNCTION "report_rollups_statement"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  st_old stage_transitions[];
  st_new stage_transitions[];
  ai_old approval_items[];
  ai_new approval_items[];
BEGIN
  IF TG_TABLE_NAME = 'stage_transitions' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN SELECT array_agg(o::stage_transitions) INTO st_old FROM old_rows o; END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN SELECT array_agg(n::stage_transitions) INTO st_new FROM new_rows n; END IF;
    IF st_old IS NOT NULL OR st_new IS NOT NULL THEN PERFORM stage_rollups_apply(st_old, st_new); END IF;
  ELSE
    IF TG_OP IN ('UPDATE', 'DELETE') THEN SELECT array_agg(o::approval_items) INTO ai_old FROM old_rows o; END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN SELECT array_agg(n::approval_items) INTO ai_new FROM new_rows n; END IF;
    IF ai_old IS NOT NULL OR ai_new IS NOT NULL THEN PERFORM approval_rollups_apply(ai_old, ai_new); END IF;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Transition tables allow one event per trigger and no column list: three triggers per table
-- (an update that changes nothing counted is dropped by the apply function's HAVING).
CREATE TRIGGER "stage_transitions_rollup" AFTER INSERT ON "stage_transitions"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_rollups_statement"();
--> statement-breakpoint
CREATE TRIGGER "stage_transitions_rollup_update" AFTER UPDATE ON "stage_transitions"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_rollups_statement"();
--> statement-breakpoint
CREATE TRIGGER "stage_transitions_rollup_delete" AFTER DELETE ON "stage_transitions"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_rollups_statement"();
--> statement-breakpoint
CREATE TRIGGER "approval_items_rollup" AFTER INSERT ON "approval_items"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_rollups_statement"();
--> statement-breakpoint
CREATE TRIGGER "approval_items_rollup_update" AFTER UPDATE ON "approval_items"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_rollups_statement"();
--> statement-breakpoint
CREATE TRIGGER "approval_items_rollup_delete" AFTER DELETE ON "approval_items"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_rollups_statement"();
--> statement-breakpoint
-- The rollups and stage_transitions file an application's facts under the job and department
-- it was submitted to, and nothing changes them (no route or activity writes either column;
-- PATCH /v1/jobs/:id never moves a job to another department). Refused here, so that the
-- rollups cannot silently go stale if that ever changes: moving an application would have to
-- move its facts and their rollups with it.
CREATE OR REPLACE FUNCTION "applications_keep_job_and_department"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'an application''s job and department cannot change (its report facts and rollups are filed under them)'
    USING ERRCODE = 'check_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "applications_keep_job_and_department" BEFORE UPDATE OF job_id, department_id ON "applications"
  FOR EACH ROW WHEN (OLD.job_id IS DISTINCT FROM NEW.job_id OR OLD.department_id IS DISTINCT FROM NEW.department_id)
  EXECUTE FUNCTION "applications_keep_job_and_department"();
--> statement-breakpoint
-- Every rollup computed again from the facts: the per-job day rows from the facts, then every
-- other grain and scope from those (sums, and the largest of the maxima). Run below to fill
-- the new rows, and by `npm run bench` after seeding with the triggers off.
CREATE OR REPLACE FUNCTION "report_rollups_rebuild"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM stage_rollup;
  DELETE FROM stage_stay_histogram;
  DELETE FROM approval_rollup;
  DELETE FROM approval_time_histogram;
  INSERT INTO stage_rollup (grain, period, job_id, department_id, stage, entered, "left", moved_on, rejected, withdrawn, declined, expired, max_seconds)
  SELECT 'day', (t.at AT TIME ZONE 'UTC')::date, t.job_id, t.department_id, t.to_stage,
         count(*), count(t.next_stage),
         count(*) FILTER (WHERE t.next_stage NOT IN ('rejected', 'withdrawn', 'declined', 'expired', 'probation_failed')),
         count(*) FILTER (WHERE t.next_stage = 'rejected'), count(*) FILTER (WHERE t.next_stage = 'withdrawn'),
         count(*) FILTER (WHERE t.next_stage = 'declined'), count(*) FILTER (WHERE t.next_stage = 'expired'),
         max(t.stay_seconds)
  FROM stage_transitions t
  GROUP BY 2, 3, 4, 5;
  INSERT INTO stage_rollup (grain, period, job_id, department_id, stage, entered, "left", moved_on, rejected, withdrawn, declined, expired, max_seconds)
  SELECT k.grain, k.period, k.job_id, k.department_id, r.stage, sum(r.entered), sum(r."left"), sum(r.moved_on), sum(r.rejected),
         sum(r.withdrawn), sum(r.declined), sum(r.expired), max(r.max_seconds)
  FROM stage_rollup r CROSS JOIN LATERAL report_rollup_keys(r.period::timestamp AT TIME ZONE 'UTC', r.job_id, r.department_id) k
  WHERE r.grain = 'day' AND NOT (k.grain = 'day' AND k.job_id = r.job_id)
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO stage_stay_histogram (grain, period, job_id, department_id, stage, bucket, n, sum_seconds)
  SELECT 'day', (t.at AT TIME ZONE 'UTC')::date, t.job_id, t.department_id, t.to_stage,
         report_duration_bucket(t.stay_seconds), count(*), sum(t.stay_seconds)
  FROM stage_transitions t
  WHERE t.stay_seconds IS NOT NULL
  GROUP BY 2, 3, 4, 5, 6;
  INSERT INTO stage_stay_histogram (grain, period, job_id, department_id, stage, bucket, n, sum_seconds)
  SELECT k.grain, k.period, k.job_id, k.department_id, r.stage, r.bucket, sum(r.n), sum(r.sum_seconds)
  FROM stage_stay_histogram r CROSS JOIN LATERAL report_rollup_keys(r.period::timestamp AT TIME ZONE 'UTC', r.job_id, r.department_id) k
  WHERE r.grain = 'day' AND NOT (k.grain = 'day' AND k.job_id = r.job_id)
  GROUP BY 1, 2, 3, 4, 5, 6;
  INSERT INTO approval_rollup (grain, period, job_id, department_id, level, user_id, requested, approved, rejected, delegated)
  SELECT 'day', (i.requested_at AT TIME ZONE 'UTC')::date, a.job_id, a.department_id, i.level, i.user_id,
         count(*), count(*) FILTER (WHERE i.status = 'approved'), count(*) FILTER (WHERE i.status = 'rejected'),
         count(*) FILTER (WHERE i.status = 'delegated')
  FROM approval_items i JOIN applications a ON a.id = i.application_id
  WHERE i.requested_at IS NOT NULL
  GROUP BY 2, 3, 4, 5, 6;
  INSERT INTO approval_rollup (grain, period, job_id, department_id, level, user_id, requested, approved, rejected, delegated)
  SELECT k.grain, k.period, k.job_id, k.department_id, r.level, r.user_id, sum(r.requested), sum(r.approved), sum(r.rejected), sum(r.delegated)
  FROM approval_rollup r CROSS JOIN LATERAL report_rollup_keys(r.period::timestamp AT TIME ZONE 'UTC', r.job_id, r.department_id) k
  WHERE r.grain = 'day' AND NOT (k.grain = 'day' AND k.job_id = r.job_id)
  GROUP BY 1, 2, 3, 4, 5, 6;
  INSERT INTO approval_time_histogram (grain, period, job_id, department_id, level, user_id, bucket, n, sum_seconds)
  SELECT 'day', (i.requested_at AT TIME ZONE 'UTC')::date, a.job_id, a.department_id, i.level, i.user_id,
         report_duration_bucket(extract(epoch from i.decided_at - i.requested_at)::float8), count(*),
         sum(extract(epoch from i.decided_at - i.requested_at)::float8)
  FROM approval_items i JOIN applications a ON a.id = i.application_id
  WHERE i.requested_at IS NOT NULL AND i.status IN ('approved', 'rejected') AND i.decided_at IS NOT NULL
  GROUP BY 2, 3, 4, 5, 6, 7;
  INSERT INTO approval_time_histogram (grain, period, job_id, department_id, level, user_id, bucket, n, sum_seconds)
  SELECT k.grain, k.period, k.job_id, k.department_id, r.level, r.user_id, r.bucket, sum(r.n), sum(r.sum_seconds)
  FROM approval_time_histogram r CROSS JOIN LATERAL report_rollup_keys(r.period::timestamp AT TIME ZONE 'UTC', r.job_id, r.department_id) k
  WHERE r.grain = 'day' AND NOT (k.grain = 'day' AND k.job_id = r.job_id)
  GROUP BY 1, 2, 3, 4, 5, 6, 7;
END;
$$;
--> statement-breakpoint
SELECT report_rollups_rebuild();
