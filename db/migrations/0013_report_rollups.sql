CREATE TABLE "approval_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"level" integer NOT NULL,
	"user_id" uuid NOT NULL,
	"requested" integer DEFAULT 0 NOT NULL,
	"approved" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"delegated" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "approval_rollup_grain_period_job_id_department_id_level_user_id_pk" PRIMARY KEY("grain","period","job_id","department_id","level","user_id")
);
--> statement-breakpoint
CREATE TABLE "approval_time_histogram" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"level" integer NOT NULL,
	"user_id" uuid NOT NULL,
	"bucket" smallint NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	"sum_seconds" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "approval_time_histogram_grain_period_job_id_department_id_level_user_id_bucket_pk" PRIMARY KEY("grain","period","job_id","department_id","level","user_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "stage_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"entered" integer DEFAULT 0 NOT NULL,
	"left" integer DEFAULT 0 NOT NULL,
	"moved_on" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"withdrawn" integer DEFAULT 0 NOT NULL,
	"declined" integer DEFAULT 0 NOT NULL,
	"expired" integer DEFAULT 0 NOT NULL,
	"max_seconds" double precision,
	CONSTRAINT "stage_rollup_grain_period_job_id_department_id_stage_pk" PRIMARY KEY("grain","period","job_id","department_id","stage")
);
--> statement-breakpoint
CREATE TABLE "stage_stay_histogram" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"bucket" smallint NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	"sum_seconds" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "stage_stay_histogram_grain_period_job_id_department_id_stage_bucket_pk" PRIMARY KEY("grain","period","job_id","department_id","stage","bucket")
);
--> statement-breakpoint
CREATE INDEX "approval_rollup_job_idx" ON "approval_rollup" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "approval_rollup_dept_idx" ON "approval_rollup" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "approval_time_histogram_job_idx" ON "approval_time_histogram" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "approval_time_histogram_dept_idx" ON "approval_time_histogram" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "stage_rollup_job_idx" ON "stage_rollup" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "stage_rollup_dept_idx" ON "stage_rollup" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "stage_stay_histogram_job_idx" ON "stage_stay_histogram" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "stage_stay_histogram_dept_idx" ON "stage_stay_histogram" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "approval_items_rejected_decided_idx" ON "approval_items" USING btree ("decided_at","requested_at") WHERE status = 'rejected';--> statement-breakpoint
-- Hand-written from here: the rollups' triggers and their backfill (docs/reports.md, "Rollups").
-- A duration's histogram bucket: 0 under a second, else b with 1.01^(b-1) <= secs < 1.01^b, so
-- every value of a bucket is within 1 % of any other (the reports take the bucket's mean).
-- domain/contracts/reports.ts states the bound (PERCENTILE_MAX_RELATIVE_ERROR); keep them together.
CREATE OR REPLACE FUNCTION "report_duration_bucket"(secs double precision) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN secs < 1 THEN 0 ELSE 1 + floor(ln(secs) / ln(1.01)) END::smallint
$$;
--> statement-breakpoint
-- Adds (sign 1) or removes (sign -1) one stay's share of the day and month rollups.
CREATE OR REPLACE FUNCTION "stage_rollup_add"(r "stage_transitions", sign int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  g text;
  p date;
BEGIN
  FOREACH g IN ARRAY ARRAY['day', 'month'] LOOP
    p := date_trunc(g, r.at AT TIME ZONE 'UTC')::date;
    INSERT INTO stage_rollup AS s (grain, period, job_id, department_id, stage, entered, "left", moved_on,
                                   rejected, withdrawn, declined, expired, max_seconds)
    VALUES (g, p, r.job_id, r.department_id, r.to_stage, sign,
            sign * (r.next_stage IS NOT NULL)::int,
            sign * coalesce(r.next_stage NOT IN ('rejected', 'withdrawn', 'declined', 'expired', 'probation_failed'), false)::int,
            sign * coalesce(r.next_stage = 'rejected', false)::int,
            sign * coalesce(r.next_stage = 'withdrawn', false)::int,
            sign * coalesce(r.next_stage = 'declined', false)::int,
            sign * coalesce(r.next_stage = 'expired', false)::int,
            CASE WHEN sign > 0 THEN r.stay_seconds END)
    ON CONFLICT (grain, period, job_id, department_id, stage) DO UPDATE SET
      entered = s.entered + excluded.entered, "left" = s."left" + excluded."left", moved_on = s.moved_on + excluded.moved_on,
      rejected = s.rejected + excluded.rejected, withdrawn = s.withdrawn + excluded.withdrawn,
      declined = s.declined + excluded.declined, expired = s.expired + excluded.expired,
      max_seconds = greatest(s.max_seconds, excluded.max_seconds);
    IF r.stay_seconds IS NOT NULL THEN
      INSERT INTO stage_stay_histogram AS h (grain, period, job_id, department_id, stage, bucket, n, sum_seconds)
      VALUES (g, p, r.job_id, r.department_id, r.to_stage, report_duration_bucket(r.stay_seconds), sign, sign * r.stay_seconds)
      ON CONFLICT (grain, period, job_id, department_id, stage, bucket) DO UPDATE SET
        n = h.n + excluded.n, sum_seconds = h.sum_seconds + excluded.sum_seconds;
      -- A removed stay may have been the longest: take the maximum again from the facts (rare:
      -- stays are closed once; only a deleted application removes one).
      IF sign < 0 THEN
        UPDATE stage_rollup s SET max_seconds = (
          SELECT max(t.stay_seconds) FROM stage_transitions t
          WHERE t.job_id = r.job_id AND t.department_id = r.department_id AND t.to_stage = r.to_stage
            AND t.at >= p::timestamp AT TIME ZONE 'UTC'
            AND t.at < (p + CASE g WHEN 'day' THEN interval '1 day' ELSE interval '1 month' END)::timestamp AT TIME ZONE 'UTC')
        WHERE s.grain = g AND s.period = p AND s.job_id = r.job_id AND s.department_id = r.department_id AND s.stage = r.to_stage;
      END IF;
    END IF;
  END LOOP;
END;
$$;
--> statement-breakpoint
-- One approval item's share: counted by the day and month it was requested, under its application's job and department.
CREATE OR REPLACE FUNCTION "approval_rollup_add"(r "approval_items", sign int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  g text;
  p date;
  j uuid;
  d uuid;
BEGIN
  IF r.requested_at IS NULL THEN RETURN; END IF;
  SELECT a.job_id, a.department_id INTO j, d FROM applications a WHERE a.id = r.application_id;
  IF NOT FOUND THEN RETURN; END IF;
  FOREACH g IN ARRAY ARRAY['day', 'month'] LOOP
    p := date_trunc(g, r.requested_at AT TIME ZONE 'UTC')::date;
    INSERT INTO approval_rollup AS s (grain, period, job_id, department_id, level, user_id, requested, approved, rejected, delegated)
    VALUES (g, p, j, d, r.level, r.user_id, sign, sign * (r.status = 'approved')::int, sign * (r.status = 'rejected')::int,
            sign * (r.status = 'delegated')::int)
    ON CONFLICT (grain, period, job_id, department_id, level, user_id) DO UPDATE SET
      requested = s.requested + excluded.requested, approved = s.approved + excluded.approved,
      rejected = s.rejected + excluded.rejected, delegated = s.delegated + excluded.delegated;
    IF r.status IN ('approved', 'rejected') AND r.decided_at IS NOT NULL THEN
      INSERT INTO approval_time_histogram AS h (grain, period, job_id, department_id, level, user_id, bucket, n, sum_seconds)
      VALUES (g, p, j, d, r.level, r.user_id, report_duration_bucket(extract(epoch from r.decided_at - r.requested_at)::float8), sign,
              sign * extract(epoch from r.decided_at - r.requested_at)::float8)
      ON CONFLICT (grain, period, job_id, department_id, level, user_id, bucket) DO UPDATE SET
        n = h.n + excluded.n, sum_seconds = h.sum_seconds + excluded.sum_seconds;
    END IF;
  END LOOP;
END;
$$;
--> statement-breakpoint
-- A changed row: its old share out, its new share in (an insert only adds, a delete only removes).
CREATE OR REPLACE FUNCTION "report_rollups_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'stage_transitions' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM stage_rollup_add(OLD, -1); END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM stage_rollup_add(NEW, 1); END IF;
  ELSE
    IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM approval_rollup_add(OLD, -1); END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM approval_rollup_add(NEW, 1); END IF;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "stage_transitions_rollup" AFTER INSERT OR DELETE OR UPDATE OF at, to_stage, next_stage, left_at, job_id, department_id
  ON "stage_transitions" FOR EACH ROW EXECUTE FUNCTION "report_rollups_row"();
--> statement-breakpoint
CREATE TRIGGER "approval_items_rollup" AFTER INSERT OR DELETE OR UPDATE OF application_id, level, user_id, status, requested_at, decided_at
  ON "approval_items" FOR EACH ROW EXECUTE FUNCTION "report_rollups_row"();
--> statement-breakpoint
-- An application's approval items are removed before it (not by the cascade after it), so
-- their trigger still finds the job and department to take them out of the rollup.
CREATE OR REPLACE FUNCTION "applications_remove_approval_items"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM approval_items WHERE application_id = OLD.id;
  RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "applications_remove_approval_items" BEFORE DELETE ON "applications"
  FOR EACH ROW EXECUTE FUNCTION "applications_remove_approval_items"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "report_rollups_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'stage_transitions' THEN
    TRUNCATE stage_rollup, stage_stay_histogram;
  ELSE
    TRUNCATE approval_rollup, approval_time_histogram;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "stage_transitions_rollup_truncate" AFTER TRUNCATE ON "stage_transitions"
  FOR EACH STATEMENT EXECUTE FUNCTION "report_rollups_truncate"();
--> statement-breakpoint
CREATE TRIGGER "approval_items_rollup_truncate" AFTER TRUNCATE ON "approval_items"
  FOR EACH STATEMENT EXECUTE FUNCTION "report_rollups_truncate"();
--> statement-breakpoint
-- The rollups computed again from every fact: the backfill below, and `npm run bench`
-- after it seeds a million transitions with the triggers off.
CREATE OR REPLACE FUNCTION "report_rollups_rebuild"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM stage_rollup;
  DELETE FROM stage_stay_histogram;
  DELETE FROM approval_rollup;
  DELETE FROM approval_time_histogram;
  INSERT INTO stage_rollup (grain, period, job_id, department_id, stage, entered, "left", moved_on, rejected, withdrawn, declined, expired, max_seconds)
  SELECT g.grain, date_trunc(g.grain, t.at AT TIME ZONE 'UTC')::date, t.job_id, t.department_id, t.to_stage,
         count(*), count(t.next_stage),
         count(*) FILTER (WHERE t.next_stage NOT IN ('rejected', 'withdrawn', 'declined', 'expired', 'probation_failed')),
         count(*) FILTER (WHERE t.next_stage = 'rejected'), count(*) FILTER (WHERE t.next_stage = 'withdrawn'),
         count(*) FILTER (WHERE t.next_stage = 'declined'), count(*) FILTER (WHERE t.next_stage = 'expired'),
         max(t.stay_seconds)
  FROM stage_transitions t CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO stage_stay_histogram (grain, period, job_id, department_id, stage, bucket, n, sum_seconds)
  SELECT g.grain, date_trunc(g.grain, t.at AT TIME ZONE 'UTC')::date, t.job_id, t.department_id, t.to_stage,
         report_duration_bucket(t.stay_seconds), count(*), sum(t.stay_seconds)
  FROM stage_transitions t CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  WHERE t.stay_seconds IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6;
  INSERT INTO approval_rollup (grain, period, job_id, department_id, level, user_id, requested, approved, rejected, delegated)
  SELECT g.grain, date_trunc(g.grain, i.requested_at AT TIME ZONE 'UTC')::date, a.job_id, a.department_id, i.level, i.user_id,
         count(*), count(*) FILTER (WHERE i.status = 'approved'), count(*) FILTER (WHERE i.status = 'rejected'),
         count(*) FILTER (WHERE i.status = 'delegated')
  FROM approval_items i JOIN applications a ON a.id = i.application_id CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  WHERE i.requested_at IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6;
  INSERT INTO approval_time_histogram (grain, period, job_id, department_id, level, user_id, bucket, n, sum_seconds)
  SELECT g.grain, date_trunc(g.grain, i.requested_at AT TIME ZONE 'UTC')::date, a.job_id, a.department_id, i.level, i.user_id,
         report_duration_bucket(extract(epoch from i.decided_at - i.requested_at)::float8), count(*),
         sum(extract(epoch from i.decided_at - i.requested_at)::float8)
  FROM approval_items i JOIN applications a ON a.id = i.application_id CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  WHERE i.requested_at IS NOT NULL AND i.status IN ('approved', 'rejected') AND i.decided_at IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6, 7;
END;
$$;
--> statement-breakpoint
SELECT report_rollups_rebuild();
