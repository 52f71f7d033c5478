CREATE TABLE "decision_lateness_histogram" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"bucket" smallint NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	"sum_seconds" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "decision_lateness_histogram_grain_period_job_id_department_id_bucket_pk" PRIMARY KEY("grain","period","job_id","department_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "decision_promise_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"kept" integer DEFAULT 0 NOT NULL,
	"late" integer DEFAULT 0 NOT NULL,
	"withdrawn" integer DEFAULT 0 NOT NULL,
	"late_max_seconds" double precision,
	CONSTRAINT "decision_promise_rollup_grain_period_job_id_department_id_pk" PRIMARY KEY("grain","period","job_id","department_id")
);
--> statement-breakpoint
CREATE TABLE "decision_promises" (
	"application_id" uuid PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"withdrawn" boolean DEFAULT false NOT NULL,
	"late_seconds" double precision GENERATED ALWAYS AS (case when decided_at > due_at then extract(epoch from decided_at - due_at)::float8 end) STORED
);
--> statement-breakpoint
CREATE TABLE "offer_answer_histogram" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"bucket" smallint NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	"sum_seconds" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "offer_answer_histogram_grain_period_job_id_department_id_bucket_pk" PRIMARY KEY("grain","period","job_id","department_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "offer_report_facts" (
	"application_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"job_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"viewed" boolean NOT NULL,
	"answer_seconds" double precision,
	"answered_before_reminder" boolean NOT NULL,
	"answered_after_reminder" boolean NOT NULL,
	"accepted_before_reminder" boolean NOT NULL,
	"accepted_after_reminder" boolean NOT NULL,
	"salary_change" double precision,
	CONSTRAINT "offer_report_facts_application_id_version_pk" PRIMARY KEY("application_id","version")
);
--> statement-breakpoint
CREATE TABLE "offer_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"viewed" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"declined" integer DEFAULT 0 NOT NULL,
	"expired" integer DEFAULT 0 NOT NULL,
	"superseded" integer DEFAULT 0 NOT NULL,
	"answered_before_reminder" integer DEFAULT 0 NOT NULL,
	"answered_after_reminder" integer DEFAULT 0 NOT NULL,
	"accepted_before_reminder" integer DEFAULT 0 NOT NULL,
	"accepted_after_reminder" integer DEFAULT 0 NOT NULL,
	"revisions" integer DEFAULT 0 NOT NULL,
	"salary_changes" integer DEFAULT 0 NOT NULL,
	"salary_change_sum" numeric DEFAULT '0' NOT NULL,
	"salary_change_min" double precision,
	"salary_change_max" double precision,
	CONSTRAINT "offer_rollup_grain_period_job_id_department_id_pk" PRIMARY KEY("grain","period","job_id","department_id")
);
--> statement-breakpoint
ALTER TABLE "decision_promises" ADD CONSTRAINT "decision_promises_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_report_facts" ADD CONSTRAINT "offer_report_facts_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "decision_lateness_histogram_job_idx" ON "decision_lateness_histogram" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "decision_lateness_histogram_dept_idx" ON "decision_lateness_histogram" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "decision_promise_rollup_job_idx" ON "decision_promise_rollup" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "decision_promise_rollup_dept_idx" ON "decision_promise_rollup" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "decision_promises_due_idx" ON "decision_promises" USING btree ("due_at","job_id","department_id") WHERE decided_at is not null or withdrawn;--> statement-breakpoint
CREATE INDEX "decision_promises_open_idx" ON "decision_promises" USING btree ("due_at","job_id","department_id","application_id") WHERE decided_at is null and not withdrawn;--> statement-breakpoint
CREATE INDEX "decision_promises_late_idx" ON "decision_promises" USING btree ("late_seconds" DESC NULLS LAST,"application_id","due_at","job_id","department_id","decided_at") WHERE decided_at > due_at;--> statement-breakpoint
CREATE INDEX "decision_promises_late_due_idx" ON "decision_promises" USING btree ("due_at","job_id","department_id","late_seconds","application_id","decided_at") WHERE decided_at > due_at;--> statement-breakpoint
CREATE INDEX "offer_answer_histogram_job_idx" ON "offer_answer_histogram" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "offer_answer_histogram_dept_idx" ON "offer_answer_histogram" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "offer_report_facts_sent_idx" ON "offer_report_facts" USING btree ("sent_at","job_id","department_id");--> statement-breakpoint
CREATE INDEX "offer_rollup_job_idx" ON "offer_rollup" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "offer_rollup_dept_idx" ON "offer_rollup" USING btree ("department_id","grain","period");--> statement-breakpoint
-- Hand-written from here: the ledgers' and rollups' triggers and their backfill (docs/reports.md,
-- "Rollups"). Two layers: the facts' triggers recompute a ledger row from the facts (a promise per
-- application, a sent offer version), and each ledger row's change moves its contribution in the
-- day and month rollups (the old one out, the new one in, in one upsert per table sorted by key,
-- so two writers take the rollup rows' locks in the same order).
-- An offer's salary as a number: null when absent or not numeric (an erased offer), never an
-- error, since this runs inside the workflow's mirror write.
CREATE OR REPLACE FUNCTION "report_offer_salary"(offer jsonb) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN jsonb_typeof(offer->'salary'->'amount') = 'number' THEN (offer->'salary'->>'amount')::float8
    WHEN jsonb_typeof(offer->'salary'->'amount') = 'string' AND offer->'salary'->>'amount' ~ '^\s*[-+]?[0-9]+(\.[0-9]+)?\s*$'
      THEN (offer->'salary'->>'amount')::float8
  END
$$;
--> statement-breakpoint
-- What the ledgers hold, computed from the facts: the triggers below recompute one row from
-- these (the planner narrows them to that application or version), the rebuild every row.
CREATE VIEW "decision_promises_source" AS
  SELECT a.id AS application_id, a.job_id, a.department_id, a.decision_due_at AS due_at, d.decided_at,
         coalesce(d.withdrawn, false) AS withdrawn
  FROM applications a
  LEFT JOIN (
    SELECT t.application_id,
           min(t.at) FILTER (WHERE t.from_stage IN ('evaluation', 'decision') AND t.to_stage IN ('rejected', 'offer_drafting')) AS decided_at,
           bool_or(t.to_stage = 'withdrawn') AS withdrawn
    FROM stage_transitions t WHERE t.to_stage IN ('rejected', 'offer_drafting', 'withdrawn')
    GROUP BY t.application_id
  ) d ON d.application_id = a.id
  WHERE a.decision_due_at IS NOT NULL;
--> statement-breakpoint
CREATE VIEW "offer_report_facts_source" AS
  SELECT o.application_id, o.version, a.job_id, a.department_id, o.sent_at, o.status,
         o.viewed_at IS NOT NULL OR o.status IN ('viewed', 'accepted', 'declined') AS viewed,
         extract(epoch from o.responded_at - o.sent_at)::float8 AS answer_seconds,
         coalesce(o.responded_at IS NOT NULL AND (o.reminded_at IS NULL OR o.responded_at < o.reminded_at), false) AS answered_before_reminder,
         coalesce(o.responded_at >= o.reminded_at, false) AS answered_after_reminder,
         coalesce(o.status = 'accepted' AND (o.reminded_at IS NULL OR o.responded_at < o.reminded_at), false) AS accepted_before_reminder,
         coalesce(o.status = 'accepted' AND o.responded_at >= o.reminded_at, false) AS accepted_after_reminder,
         CASE WHEN o.version > 1 THEN report_offer_salary(o.offer) - report_offer_salary(p.offer) END AS salary_change
  FROM offer_versions o
  JOIN applications a ON a.id = o.application_id
  LEFT JOIN offer_versions p ON p.application_id = o.application_id AND p.version = o.version - 1
  WHERE o.sent_at IS NOT NULL;
--> statement-breakpoint
-- One application's promise: its row when it has a promise, none otherwise.
CREATE OR REPLACE FUNCTION "decision_promise_refresh"(app uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM decision_promises p WHERE p.application_id = app
    AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.id = app AND a.decision_due_at IS NOT NULL);
  INSERT INTO decision_promises AS p (application_id, job_id, department_id, due_at, decided_at, withdrawn)
  SELECT * FROM decision_promises_source s WHERE s.application_id = app
  ON CONFLICT (application_id) DO UPDATE SET
    job_id = excluded.job_id, department_id = excluded.department_id, due_at = excluded.due_at,
    decided_at = excluded.decided_at, withdrawn = excluded.withdrawn
  WHERE (p.job_id, p.department_id, p.due_at, p.decided_at, p.withdrawn)
        IS DISTINCT FROM (excluded.job_id, excluded.department_id, excluded.due_at, excluded.decided_at, excluded.withdrawn);
END;
$$;
--> statement-breakpoint
-- One offer version's figures (its row while it is sent, none otherwise). Its
-- salary change is against the version before, so a change of version v refreshes v + 1 too.
CREATE OR REPLACE FUNCTION "offer_report_fact_refresh"(app uuid, ver int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM offer_report_facts f WHERE f.application_id = app AND f.version = ver
    AND NOT EXISTS (SELECT 1 FROM offer_report_facts_source s WHERE s.application_id = app AND s.version = ver);
  INSERT INTO offer_report_facts AS f (application_id, version, job_id, department_id, sent_at, status, viewed, answer_seconds,
                                       answered_before_reminder, answered_after_reminder, accepted_before_reminder,
                                       accepted_after_reminder, salary_change)
  SELECT * FROM offer_report_facts_source s WHERE s.application_id = app AND s.version = ver
  ON CONFLICT (application_id, version) DO UPDATE SET
    job_id = excluded.job_id, department_id = excluded.department_id, sent_at = excluded.sent_at, status = excluded.status,
    viewed = excluded.viewed, answer_seconds = excluded.answer_seconds,
    answered_before_reminder = excluded.answered_before_reminder, answered_after_reminder = excluded.answered_after_reminder,
    accepted_before_reminder = excluded.accepted_before_reminder, accepted_after_reminder = excluded.accepted_after_reminder,
    salary_change = excluded.salary_change
  WHERE (f.*) IS DISTINCT FROM (excluded.*);
END;
$$;
--> statement-breakpoint
-- The facts' triggers. A stage change matters only when it is a decision or a withdrawal (the
-- WHEN clauses keep every other stage change free of any work here).
CREATE OR REPLACE FUNCTION "report_promise_offer_facts_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'applications' THEN
    PERFORM decision_promise_refresh(NEW.id);
    IF TG_OP = 'UPDATE' AND (OLD.job_id, OLD.department_id) IS DISTINCT FROM (NEW.job_id, NEW.department_id) THEN
      PERFORM offer_report_fact_refresh(o.application_id, o.version) FROM offer_versions o WHERE o.application_id = NEW.id;
    END IF;
  ELSIF TG_TABLE_NAME = 'stage_transitions' THEN
    IF TG_OP <> 'INSERT' THEN PERFORM decision_promise_refresh(OLD.application_id); END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.application_id <> OLD.application_id) THEN
      PERFORM decision_promise_refresh(NEW.application_id);
    END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN
      PERFORM offer_report_fact_refresh(OLD.application_id, OLD.version);
      IF TG_OP = 'DELETE' OR OLD.offer IS DISTINCT FROM NEW.offer OR (OLD.application_id, OLD.version) <> (NEW.application_id, NEW.version) THEN
        PERFORM offer_report_fact_refresh(OLD.application_id, OLD.version + 1);
      END IF;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (OLD.application_id, OLD.version) <> (NEW.application_id, NEW.version)) THEN
      PERFORM offer_report_fact_refresh(NEW.application_id, NEW.version);
      PERFORM offer_report_fact_refresh(NEW.application_id, NEW.version + 1);
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "applications_promise_ledger_insert" AFTER INSERT ON "applications"
  FOR EACH ROW WHEN (NEW.decision_due_at IS NOT NULL) EXECUTE FUNCTION "report_promise_offer_facts_row"();
--> statement-breakpoint
CREATE TRIGGER "applications_promise_ledger_update" AFTER UPDATE OF decision_due_at, job_id, department_id ON "applications"
  FOR EACH ROW WHEN ((OLD.decision_due_at, OLD.job_id, OLD.department_id) IS DISTINCT FROM (NEW.decision_due_at, NEW.job_id, NEW.department_id))
  EXECUTE FUNCTION "report_promise_offer_facts_row"();
--> statement-breakpoint
CREATE TRIGGER "stage_transitions_promise_ledger_insert" AFTER INSERT ON "stage_transitions"
  FOR EACH ROW WHEN (NEW.to_stage IN ('rejected', 'offer_drafting', 'withdrawn')) EXECUTE FUNCTION "report_promise_offer_facts_row"();
--> statement-breakpoint
CREATE TRIGGER "stage_transitions_promise_ledger_update" AFTER UPDATE OF application_id, from_stage, to_stage, at ON "stage_transitions"
  FOR EACH ROW WHEN (OLD.to_stage IN ('rejected', 'offer_drafting', 'withdrawn') OR NEW.to_stage IN ('rejected', 'offer_drafting', 'withdrawn'))
  EXECUTE FUNCTION "report_promise_offer_facts_row"();
--> statement-breakpoint
CREATE TRIGGER "stage_transitions_promise_ledger_delete" AFTER DELETE ON "stage_transitions"
  FOR EACH ROW WHEN (OLD.to_stage IN ('rejected', 'offer_drafting', 'withdrawn')) EXECUTE FUNCTION "report_promise_offer_facts_row"();
--> statement-breakpoint
CREATE TRIGGER "offer_versions_report_ledger" AFTER INSERT OR DELETE OR UPDATE OF application_id, version, status, offer, sent_at, viewed_at, reminded_at, responded_at
  ON "offer_versions" FOR EACH ROW EXECUTE FUNCTION "report_promise_offer_facts_row"();
--> statement-breakpoint
-- A ledger row's change: its old contribution out and its new one in, per UTC day and month.
-- Skipped while report_promise_offer_rollups_rebuild() refills the ledgers (it sums them after).
CREATE OR REPLACE FUNCTION "decision_promise_rollup_row"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  o decision_promises;
  n decision_promises;
  o_in boolean := false;
  n_in boolean := false;
BEGIN
  IF current_setting('report.rebuilding', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN o := OLD; o_in := o.decided_at IS NOT NULL OR o.withdrawn; END IF;
  IF TG_OP <> 'DELETE' THEN n := NEW; n_in := n.decided_at IS NOT NULL OR n.withdrawn; END IF;
  -- Open promises are not rolled up: only a settled one's share moves.
  IF NOT o_in AND NOT n_in THEN RETURN NULL; END IF;
  INSERT INTO decision_promise_rollup AS s (grain, period, job_id, department_id, kept, late, withdrawn, late_max_seconds)
  SELECT g.grain, date_trunc(g.grain, x.due_at AT TIME ZONE 'UTC')::date, x.job_id, x.department_id,
         sum(x.sign * coalesce(x.decided_at <= x.due_at, false)::int), sum(x.sign * coalesce(x.decided_at > x.due_at, false)::int),
         sum(x.sign * (x.decided_at IS NULL)::int), max(x.late_seconds) FILTER (WHERE x.sign > 0)
  FROM (SELECT -1 AS sign, o.due_at, o.job_id, o.department_id, o.decided_at, o.late_seconds WHERE o_in
        UNION ALL SELECT 1, n.due_at, n.job_id, n.department_id, n.decided_at, n.late_seconds WHERE n_in) x
  CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (grain, period, job_id, department_id) DO UPDATE SET
    kept = s.kept + excluded.kept, late = s.late + excluded.late, withdrawn = s.withdrawn + excluded.withdrawn,
    late_max_seconds = greatest(s.late_max_seconds, excluded.late_max_seconds);
  INSERT INTO decision_lateness_histogram AS h (grain, period, job_id, department_id, bucket, n, sum_seconds)
  SELECT g.grain, date_trunc(g.grain, x.due_at AT TIME ZONE 'UTC')::date, x.job_id, x.department_id,
         report_duration_bucket(x.late_seconds), sum(x.sign), sum(x.sign * x.late_seconds)
  FROM (SELECT -1 AS sign, o.due_at, o.job_id, o.department_id, o.late_seconds WHERE o_in AND o.late_seconds IS NOT NULL
        UNION ALL SELECT 1, n.due_at, n.job_id, n.department_id, n.late_seconds WHERE n_in AND n.late_seconds IS NOT NULL) x
  CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (grain, period, job_id, department_id, bucket) DO UPDATE SET
    n = h.n + excluded.n, sum_seconds = h.sum_seconds + excluded.sum_seconds;
  -- The lateness taken out may have been its day's (month's) largest: take the largest again
  -- from the ledger (rare: a decision is made once; only a deleted application or transition removes one).
  IF o_in AND o.late_seconds IS NOT NULL THEN
    UPDATE decision_promise_rollup s SET late_max_seconds = (
      SELECT max(p.late_seconds) FROM decision_promises p
      WHERE p.decided_at > p.due_at AND p.job_id = s.job_id AND p.department_id = s.department_id
        AND p.due_at >= s.period::timestamp AT TIME ZONE 'UTC'
        AND p.due_at < (s.period + CASE s.grain WHEN 'day' THEN interval '1 day' ELSE interval '1 month' END)::timestamp AT TIME ZONE 'UTC')
    WHERE s.job_id = o.job_id AND s.department_id = o.department_id AND s.late_max_seconds <= o.late_seconds
      AND ((s.grain = 'day' AND s.period = date_trunc('day', o.due_at AT TIME ZONE 'UTC')::date)
        OR (s.grain = 'month' AND s.period = date_trunc('month', o.due_at AT TIME ZONE 'UTC')::date));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "offer_rollup_row"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  o offer_report_facts;
  n offer_report_facts;
  o_in boolean := false;
  n_in boolean := false;
BEGIN
  IF current_setting('report.rebuilding', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN o := OLD; o_in := true; END IF;
  IF TG_OP <> 'DELETE' THEN n := NEW; n_in := true; END IF;
  INSERT INTO offer_rollup AS s (grain, period, job_id, department_id, sent, viewed, accepted, declined, expired, superseded,
                                 answered_before_reminder, answered_after_reminder, accepted_before_reminder, accepted_after_reminder,
                                 revisions, salary_changes, salary_change_sum, salary_change_min, salary_change_max)
  SELECT g.grain, date_trunc(g.grain, x.sent_at AT TIME ZONE 'UTC')::date, x.job_id, x.department_id,
         sum(x.sign), sum(x.sign * x.viewed::int),
         sum(x.sign * (x.status = 'accepted')::int), sum(x.sign * (x.status = 'declined')::int),
         sum(x.sign * (x.status = 'expired')::int), sum(x.sign * (x.status = 'superseded')::int),
         sum(x.sign * x.answered_before_reminder::int), sum(x.sign * x.answered_after_reminder::int),
         sum(x.sign * x.accepted_before_reminder::int), sum(x.sign * x.accepted_after_reminder::int),
         sum(x.sign * (x.version > 1)::int), sum(x.sign * (x.salary_change IS NOT NULL)::int),
         coalesce(sum(x.sign * x.salary_change::numeric), 0),
         min(x.salary_change) FILTER (WHERE x.sign > 0), max(x.salary_change) FILTER (WHERE x.sign > 0)
  FROM (SELECT -1 AS sign, o.sent_at, o.job_id, o.department_id, o.version, o.status, o.viewed, o.answered_before_reminder,
               o.answered_after_reminder, o.accepted_before_reminder, o.accepted_after_reminder, o.salary_change WHERE o_in
        UNION ALL
        SELECT 1, n.sent_at, n.job_id, n.department_id, n.version, n.status, n.viewed, n.answered_before_reminder,
               n.answered_after_reminder, n.accepted_before_reminder, n.accepted_after_reminder, n.salary_change WHERE n_in) x
  CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (grain, period, job_id, department_id) DO UPDATE SET
    sent = s.sent + excluded.sent, viewed = s.viewed + excluded.viewed, accepted = s.accepted + excluded.accepted,
    declined = s.declined + excluded.declined, expired = s.expired + excluded.expired, superseded = s.superseded + excluded.superseded,
    answered_before_reminder = s.answered_before_reminder + excluded.answered_before_reminder,
    answered_after_reminder = s.answered_after_reminder + excluded.answered_after_reminder,
    accepted_before_reminder = s.accepted_before_reminder + excluded.accepted_before_reminder,
    accepted_after_reminder = s.accepted_after_reminder + excluded.accepted_after_reminder,
    revisions = s.revisions + excluded.revisions, salary_changes = s.salary_changes + excluded.salary_changes,
    salary_change_sum = s.salary_change_sum + excluded.salary_change_sum,
    salary_change_min = least(s.salary_change_min, excluded.salary_change_min),
    salary_change_max = greatest(s.salary_change_max, excluded.salary_change_max);
  INSERT INTO offer_answer_histogram AS h (grain, period, job_id, department_id, bucket, n, sum_seconds)
  SELECT g.grain, date_trunc(g.grain, x.sent_at AT TIME ZONE 'UTC')::date, x.job_id, x.department_id,
         report_duration_bucket(x.secs), sum(x.sign), sum(x.sign * x.secs)
  FROM (SELECT -1 AS sign, o.sent_at, o.job_id, o.department_id, o.answer_seconds AS secs WHERE o_in AND o.answer_seconds IS NOT NULL
        UNION ALL SELECT 1, n.sent_at, n.job_id, n.department_id, n.answer_seconds WHERE n_in AND n.answer_seconds IS NOT NULL) x
  CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (grain, period, job_id, department_id, bucket) DO UPDATE SET
    n = h.n + excluded.n, sum_seconds = h.sum_seconds + excluded.sum_seconds;
  -- A salary change taken out may have been its day's (month's) smallest or largest: both again from the ledger.
  IF o_in AND o.salary_change IS NOT NULL THEN
    UPDATE offer_rollup s SET (salary_change_min, salary_change_max) = (
      SELECT min(f.salary_change), max(f.salary_change) FROM offer_report_facts f
      WHERE f.job_id = s.job_id AND f.department_id = s.department_id
        AND f.sent_at >= s.period::timestamp AT TIME ZONE 'UTC'
        AND f.sent_at < (s.period + CASE s.grain WHEN 'day' THEN interval '1 day' ELSE interval '1 month' END)::timestamp AT TIME ZONE 'UTC')
    WHERE s.job_id = o.job_id AND s.department_id = o.department_id
      AND (s.salary_change_min >= o.salary_change OR s.salary_change_max <= o.salary_change)
      AND ((s.grain = 'day' AND s.period = date_trunc('day', o.sent_at AT TIME ZONE 'UTC')::date)
        OR (s.grain = 'month' AND s.period = date_trunc('month', o.sent_at AT TIME ZONE 'UTC')::date));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "decision_promises_rollup" AFTER INSERT OR DELETE OR UPDATE ON "decision_promises"
  FOR EACH ROW EXECUTE FUNCTION "decision_promise_rollup_row"();
--> statement-breakpoint
CREATE TRIGGER "offer_report_facts_rollup" AFTER INSERT OR DELETE OR UPDATE ON "offer_report_facts"
  FOR EACH ROW EXECUTE FUNCTION "offer_rollup_row"();
--> statement-breakpoint
-- The ledgers and rollups computed again from every fact: the backfill below, after a TRUNCATE
-- of the facts, and `npm run bench` after it seeds with these triggers off. Safe to run again.
CREATE OR REPLACE FUNCTION "report_promise_offer_rollups_rebuild"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('report.rebuilding', 'on', true);
  DELETE FROM decision_promises;
  DELETE FROM offer_report_facts;
  DELETE FROM decision_promise_rollup;
  DELETE FROM decision_lateness_histogram;
  DELETE FROM offer_rollup;
  DELETE FROM offer_answer_histogram;
  INSERT INTO decision_promises (application_id, job_id, department_id, due_at, decided_at, withdrawn)
  SELECT * FROM decision_promises_source;
  INSERT INTO offer_report_facts (application_id, version, job_id, department_id, sent_at, status, viewed, answer_seconds,
                                  answered_before_reminder, answered_after_reminder, accepted_before_reminder,
                                  accepted_after_reminder, salary_change)
  SELECT * FROM offer_report_facts_source;
  INSERT INTO decision_promise_rollup (grain, period, job_id, department_id, kept, late, withdrawn, late_max_seconds)
  SELECT g.grain, date_trunc(g.grain, p.due_at AT TIME ZONE 'UTC')::date, p.job_id, p.department_id,
         count(*) FILTER (WHERE p.decided_at <= p.due_at), count(*) FILTER (WHERE p.decided_at > p.due_at),
         count(*) FILTER (WHERE p.decided_at IS NULL), max(p.late_seconds)
  FROM decision_promises p CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  WHERE p.decided_at IS NOT NULL OR p.withdrawn
  GROUP BY 1, 2, 3, 4;
  INSERT INTO decision_lateness_histogram (grain, period, job_id, department_id, bucket, n, sum_seconds)
  SELECT g.grain, date_trunc(g.grain, p.due_at AT TIME ZONE 'UTC')::date, p.job_id, p.department_id,
         report_duration_bucket(p.late_seconds), count(*), sum(p.late_seconds)
  FROM decision_promises p CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  WHERE p.late_seconds IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO offer_rollup (grain, period, job_id, department_id, sent, viewed, accepted, declined, expired, superseded,
                            answered_before_reminder, answered_after_reminder, accepted_before_reminder, accepted_after_reminder,
                            revisions, salary_changes, salary_change_sum, salary_change_min, salary_change_max)
  SELECT g.grain, date_trunc(g.grain, f.sent_at AT TIME ZONE 'UTC')::date, f.job_id, f.department_id,
         count(*), count(*) FILTER (WHERE f.viewed), count(*) FILTER (WHERE f.status = 'accepted'),
         count(*) FILTER (WHERE f.status = 'declined'), count(*) FILTER (WHERE f.status = 'expired'),
         count(*) FILTER (WHERE f.status = 'superseded'),
         count(*) FILTER (WHERE f.answered_before_reminder), count(*) FILTER (WHERE f.answered_after_reminder),
         count(*) FILTER (WHERE f.accepted_before_reminder), count(*) FILTER (WHERE f.accepted_after_reminder),
         count(*) FILTER (WHERE f.version > 1), count(f.salary_change), coalesce(sum(f.salary_change::numeric), 0),
         min(f.salary_change), max(f.salary_change)
  FROM offer_report_facts f CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4;
  INSERT INTO offer_answer_histogram (grain, period, job_id, department_id, bucket, n, sum_seconds)
  SELECT g.grain, date_trunc(g.grain, f.sent_at AT TIME ZONE 'UTC')::date, f.job_id, f.department_id,
         report_duration_bucket(f.answer_seconds), count(*), sum(f.answer_seconds)
  FROM offer_report_facts f CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  WHERE f.answer_seconds IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5;
  PERFORM set_config('report.rebuilding', '', true);
END;
$$;
--> statement-breakpoint
-- A TRUNCATE fires no row triggers: the facts' own recomputes everything; the ledgers' empties their rollups.
CREATE OR REPLACE FUNCTION "report_promise_offer_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'decision_promises' THEN
    TRUNCATE decision_promise_rollup, decision_lateness_histogram;
  ELSIF TG_TABLE_NAME = 'offer_report_facts' THEN
    TRUNCATE offer_rollup, offer_answer_histogram;
  ELSE
    PERFORM report_promise_offer_rollups_rebuild();
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "decision_promises_truncate" AFTER TRUNCATE ON "decision_promises"
  FOR EACH STATEMENT EXECUTE FUNCTION "report_promise_offer_truncate"();
--> statement-breakpoint
CREATE TRIGGER "offer_report_facts_truncate" AFTER TRUNCATE ON "offer_report_facts"
  FOR EACH STATEMENT EXECUTE FUNCTION "report_promise_offer_truncate"();
--> statement-breakpoint
CREATE TRIGGER "stage_transitions_promise_ledger_truncate" AFTER TRUNCATE ON "stage_transitions"
  FOR EACH STATEMENT EXECUTE FUNCTION "report_promise_offer_truncate"();
--> statement-breakpoint
CREATE TRIGGER "offer_versions_report_ledger_truncate" AFTER TRUNCATE ON "offer_versions"
  FOR EACH STATEMENT EXECUTE FUNCTION "report_promise_offer_truncate"();
--> statement-breakpoint
SELECT report_promise_offer_rollups_rebuild();
