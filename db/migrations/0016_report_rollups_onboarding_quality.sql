CREATE TABLE "communication_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid,
	"department_id" uuid,
	"template" text NOT NULL,
	"locale" text NOT NULL,
	"channel" text NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"opened" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "communication_rollup_key" UNIQUE NULLS NOT DISTINCT("grain","period","job_id","department_id","template","locale","channel")
);
--> statement-breakpoint
CREATE TABLE "onboarding_hired_histogram" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid,
	"department_id" uuid,
	"bucket" smallint NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	"sum_seconds" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "onboarding_hired_histogram_key" UNIQUE NULLS NOT DISTINCT("grain","period","job_id","department_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "onboarding_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid,
	"department_id" uuid,
	"started" integer DEFAULT 0 NOT NULL,
	"hired" integer DEFAULT 0 NOT NULL,
	"documents_rejected" integer DEFAULT 0 NOT NULL,
	"courses_first_attempt" integer DEFAULT 0 NOT NULL,
	"courses_after_retake" integer DEFAULT 0 NOT NULL,
	"courses_not_passed" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "onboarding_rollup_key" UNIQUE NULLS NOT DISTINCT("grain","period","job_id","department_id")
);
--> statement-breakpoint
CREATE TABLE "onboarding_task_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid,
	"department_id" uuid,
	"assignee" text,
	"on_time" integer DEFAULT 0 NOT NULL,
	"late" integer DEFAULT 0 NOT NULL,
	"open" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "onboarding_task_rollup_key" UNIQUE NULLS NOT DISTINCT("grain","period","job_id","department_id","assignee")
);
--> statement-breakpoint
CREATE TABLE "quality_agreement_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid,
	"department_id" uuid,
	"competency" text,
	"evaluated" integer DEFAULT 0 NOT NULL,
	"sum_human" numeric DEFAULT '0' NOT NULL,
	"n_ai" integer DEFAULT 0 NOT NULL,
	"sum_ai" numeric DEFAULT '0' NOT NULL,
	"sum_gap" numeric DEFAULT '0' NOT NULL,
	"sum_abs_gap" numeric DEFAULT '0' NOT NULL,
	"human_higher" integer DEFAULT 0 NOT NULL,
	"human_lower" integer DEFAULT 0 NOT NULL,
	"equal" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "quality_agreement_rollup_key" UNIQUE NULLS NOT DISTINCT("grain","period","job_id","department_id","competency")
);
--> statement-breakpoint
CREATE TABLE "quality_discrepancy_rollup" (
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"job_id" uuid,
	"department_id" uuid,
	"rule" text,
	"found" integer DEFAULT 0 NOT NULL,
	"high" integer DEFAULT 0 NOT NULL,
	"confirmed" integer DEFAULT 0 NOT NULL,
	"dismissed" integer DEFAULT 0 NOT NULL,
	"retest" integer DEFAULT 0 NOT NULL,
	"unresolved" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "quality_discrepancy_rollup_key" UNIQUE NULLS NOT DISTINCT("grain","period","job_id","department_id","rule")
);
--> statement-breakpoint
CREATE INDEX "communication_rollup_job_idx" ON "communication_rollup" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "communication_rollup_dept_idx" ON "communication_rollup" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "onboarding_hired_histogram_job_idx" ON "onboarding_hired_histogram" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "onboarding_hired_histogram_dept_idx" ON "onboarding_hired_histogram" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "onboarding_rollup_job_idx" ON "onboarding_rollup" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "onboarding_rollup_dept_idx" ON "onboarding_rollup" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "onboarding_task_rollup_job_idx" ON "onboarding_task_rollup" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "onboarding_task_rollup_dept_idx" ON "onboarding_task_rollup" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "quality_agreement_rollup_job_idx" ON "quality_agreement_rollup" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "quality_agreement_rollup_dept_idx" ON "quality_agreement_rollup" USING btree ("department_id","grain","period");--> statement-breakpoint
CREATE INDEX "quality_discrepancy_rollup_job_idx" ON "quality_discrepancy_rollup" USING btree ("job_id","grain","period");--> statement-breakpoint
CREATE INDEX "quality_discrepancy_rollup_dept_idx" ON "quality_discrepancy_rollup" USING btree ("department_id","grain","period");--> statement-breakpoint
-- Hand-written from here: the triggers that keep these rollups and their backfill
-- (docs/reports.md, "Rollups"). Each fact's share is computed by one function below, used by
-- the triggers (old share out, new share in) and by the rebuild alike, so the two cannot
-- drift apart. A trigger writes each rollup table in ONE statement, its rows sorted by key
-- (day rows before month rows): concurrent writers lock shared rollup rows in the same order,
-- so they wait for each other but cannot deadlock.
--
-- A new hire's share, counted by the UTC day and month of created_at (the offer's acceptance).
-- Its rejected documents are counted here too, so a change of the hire's key moves them along.
CREATE OR REPLACE FUNCTION "onboarding_hire_share"(e "employees") RETURNS TABLE (
  at timestamptz, job_id uuid, department_id uuid, hired int, documents_rejected int,
  courses_first_attempt int, courses_after_retake int, courses_not_passed int
) LANGUAGE sql STABLE AS $$
  SELECT e.created_at, e.job_id, e.department_id, (e.hired_at IS NOT NULL)::int,
         (SELECT count(*)::int FROM employee_documents d WHERE d.employee_id = e.id AND d.status = 'rejected'),
         count(*) FILTER (WHERE c.passed AND c.attempts = 1)::int,
         count(*) FILTER (WHERE c.passed AND c.attempts > 1)::int,
         count(*) FILTER (WHERE NOT c.passed)::int
  FROM (SELECT (x->>'attempts')::int AS attempts, (x->>'passed')::boolean AS passed
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e.course_outcomes) = 'array' THEN e.course_outcomes ELSE '[]'::jsonb END) x) c
  HAVING e.id IS NOT NULL
$$;
--> statement-breakpoint
-- Its tasks per assignee: on time when completed by the end of the due day (UTC), as the workflow counts it.
CREATE OR REPLACE FUNCTION "onboarding_task_share"(e "employees") RETURNS TABLE (
  at timestamptz, job_id uuid, department_id uuid, assignee text, on_time int, late int, open int
) LANGUAGE sql IMMUTABLE AS $$
  SELECT e.created_at, e.job_id, e.department_id, t.assignee,
         count(*) FILTER (WHERE t.done IS NOT NULL AND t.done < (t.due + 1)::timestamp AT TIME ZONE 'UTC')::int,
         count(*) FILTER (WHERE t.done IS NOT NULL AND t.done >= (t.due + 1)::timestamp AT TIME ZONE 'UTC')::int,
         count(*) FILTER (WHERE t.done IS NULL)::int
  FROM (SELECT x->>'assignee' AS assignee, (x->>'dueDate')::date AS due, (x->>'completedAt')::timestamptz AS done
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e.task_outcomes) = 'array' THEN e.task_outcomes ELSE '[]'::jsonb END) x) t
  WHERE e.id IS NOT NULL
  GROUP BY t.assignee
$$;
--> statement-breakpoint
-- Its seconds from acceptance to `hired`, once hired.
CREATE OR REPLACE FUNCTION "onboarding_hired_share"(e "employees") RETURNS TABLE (
  at timestamptz, job_id uuid, department_id uuid, secs double precision
) LANGUAGE sql IMMUTABLE AS $$
  SELECT e.created_at, e.job_id, e.department_id, extract(epoch from e.hired_at - e.created_at)::float8
  WHERE e.id IS NOT NULL AND e.hired_at IS NOT NULL
$$;
--> statement-breakpoint
-- An application's share, counted by the UTC day and month it was received (created_at):
-- each competency with a human score, and each discrepancy.
CREATE OR REPLACE FUNCTION "quality_agreement_share"(a "applications") RETURNS TABLE (
  at timestamptz, job_id uuid, department_id uuid, competency text, ai numeric, human numeric
) LANGUAGE sql IMMUTABLE AS $$
  SELECT a.created_at, a.job_id, a.department_id, x->>'key', (x->>'ai')::numeric, (x->>'human')::numeric
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(a.score_dimensions) = 'array' THEN a.score_dimensions ELSE '[]'::jsonb END) x
  WHERE a.id IS NOT NULL AND x->>'human' IS NOT NULL
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "quality_discrepancy_share"(a "applications") RETURNS TABLE (
  at timestamptz, job_id uuid, department_id uuid, rule text, severity text, resolution text
) LANGUAGE sql IMMUTABLE AS $$
  SELECT a.created_at, a.job_id, a.department_id, x->>'rule', x->>'severity', x->>'resolution'
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(a.discrepancies) = 'array' THEN a.discrepancies ELSE '[]'::jsonb END) x
  WHERE a.id IS NOT NULL
$$;
--> statement-breakpoint
-- A message's share, by the UTC day and month it was created, under its application's job and department.
CREATE OR REPLACE FUNCTION "communication_share"(m "messages") RETURNS TABLE (
  at timestamptz, job_id uuid, department_id uuid, template text, locale text, channel text, sent int, failed int, opened int
) LANGUAGE sql STABLE AS $$
  SELECT m.created_at, a.job_id, a.department_id, m.template, m.locale, m.channel,
         (m.status IN ('sent', 'opened'))::int, (m.status = 'failed')::int, (m.opened_at IS NOT NULL)::int
  FROM (SELECT 1) one LEFT JOIN applications a ON a.id = m.application_id
  WHERE m.id IS NOT NULL
$$;
--> statement-breakpoint
-- A changed new hire: its old share out (o) and its new share in (n); o or n is null for an insert or a delete.
CREATE OR REPLACE FUNCTION "onboarding_rollups_apply"(o "employees", n "employees") RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO onboarding_rollup AS r (grain, period, job_id, department_id, started, hired, documents_rejected,
                                      courses_first_attempt, courses_after_retake, courses_not_passed)
  SELECT g.grain, date_trunc(g.grain, s.at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id, sum(s.sign),
         sum(s.sign * s.hired), sum(s.sign * s.documents_rejected), sum(s.sign * s.courses_first_attempt),
         sum(s.sign * s.courses_after_retake), sum(s.sign * s.courses_not_passed)
  FROM (SELECT -1 AS sign, * FROM onboarding_hire_share(o) UNION ALL SELECT 1, * FROM onboarding_hire_share(n)) s
  CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4
  HAVING sum(s.sign) <> 0 OR sum(s.sign * s.hired) <> 0 OR sum(s.sign * s.documents_rejected) <> 0
      OR sum(s.sign * s.courses_first_attempt) <> 0 OR sum(s.sign * s.courses_after_retake) <> 0 OR sum(s.sign * s.courses_not_passed) <> 0
  ORDER BY 1, 2, 3, 4
  ON CONFLICT ON CONSTRAINT onboarding_rollup_key DO UPDATE SET
    started = r.started + excluded.started, hired = r.hired + excluded.hired,
    documents_rejected = r.documents_rejected + excluded.documents_rejected,
    courses_first_attempt = r.courses_first_attempt + excluded.courses_first_attempt,
    courses_after_retake = r.courses_after_retake + excluded.courses_after_retake,
    courses_not_passed = r.courses_not_passed + excluded.courses_not_passed;
  INSERT INTO onboarding_task_rollup AS r (grain, period, job_id, department_id, assignee, on_time, late, open)
  SELECT g.grain, date_trunc(g.grain, s.at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id, s.assignee,
         sum(s.sign * s.on_time), sum(s.sign * s.late), sum(s.sign * s.open)
  FROM (SELECT -1 AS sign, * FROM onboarding_task_share(o) UNION ALL SELECT 1, * FROM onboarding_task_share(n)) s
  CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(s.sign * s.on_time) <> 0 OR sum(s.sign * s.late) <> 0 OR sum(s.sign * s.open) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT onboarding_task_rollup_key DO UPDATE SET
    on_time = r.on_time + excluded.on_time, late = r.late + excluded.late, open = r.open + excluded.open;
  INSERT INTO onboarding_hired_histogram AS r (grain, period, job_id, department_id, bucket, n, sum_seconds)
  SELECT g.grain, date_trunc(g.grain, s.at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id, report_duration_bucket(s.secs),
         sum(s.sign), sum(s.sign * s.secs)
  FROM (SELECT -1 AS sign, * FROM onboarding_hired_share(o) UNION ALL SELECT 1, * FROM onboarding_hired_share(n)) s
  CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(s.sign) <> 0 OR sum(s.sign * s.secs) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT onboarding_hired_histogram_key DO UPDATE SET
    n = r.n + excluded.n, sum_seconds = r.sum_seconds + excluded.sum_seconds;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "quality_rollups_apply"(o "applications", n "applications") RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO quality_agreement_rollup AS r (grain, period, job_id, department_id, competency, evaluated, sum_human, n_ai, sum_ai,
                                             sum_gap, sum_abs_gap, human_higher, human_lower, equal)
  SELECT g.grain, date_trunc(g.grain, s.at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id, s.competency,
         sum(s.sign), sum(s.sign * s.human), coalesce(sum(s.sign) FILTER (WHERE s.ai IS NOT NULL), 0), coalesce(sum(s.sign * s.ai), 0),
         coalesce(sum(s.sign * (s.human - s.ai)), 0), coalesce(sum(s.sign * abs(s.human - s.ai)), 0),
         coalesce(sum(s.sign) FILTER (WHERE s.human > s.ai), 0), coalesce(sum(s.sign) FILTER (WHERE s.human < s.ai), 0),
         coalesce(sum(s.sign) FILTER (WHERE s.human = s.ai), 0)
  FROM (SELECT -1 AS sign, * FROM quality_agreement_share(o) UNION ALL SELECT 1, * FROM quality_agreement_share(n)) s
  CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5
  -- An unchanged competency (the application's other column changed) writes nothing.
  HAVING sum(s.sign) <> 0 OR sum(s.sign * s.human) <> 0 OR coalesce(sum(s.sign * s.ai), 0) <> 0
      OR coalesce(sum(s.sign) FILTER (WHERE s.ai IS NOT NULL), 0) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT quality_agreement_rollup_key DO UPDATE SET
    evaluated = r.evaluated + excluded.evaluated, sum_human = r.sum_human + excluded.sum_human,
    n_ai = r.n_ai + excluded.n_ai, sum_ai = r.sum_ai + excluded.sum_ai, sum_gap = r.sum_gap + excluded.sum_gap,
    sum_abs_gap = r.sum_abs_gap + excluded.sum_abs_gap, human_higher = r.human_higher + excluded.human_higher,
    human_lower = r.human_lower + excluded.human_lower, equal = r.equal + excluded.equal;
  INSERT INTO quality_discrepancy_rollup AS r (grain, period, job_id, department_id, rule, found, high, confirmed, dismissed, retest, unresolved)
  SELECT g.grain, date_trunc(g.grain, s.at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id, s.rule, sum(s.sign),
         coalesce(sum(s.sign) FILTER (WHERE s.severity = 'high'), 0), coalesce(sum(s.sign) FILTER (WHERE s.resolution = 'confirmed'), 0),
         coalesce(sum(s.sign) FILTER (WHERE s.resolution = 'dismissed'), 0), coalesce(sum(s.sign) FILTER (WHERE s.resolution = 'retest'), 0),
         coalesce(sum(s.sign) FILTER (WHERE s.resolution IS NULL), 0)
  FROM (SELECT -1 AS sign, * FROM quality_discrepancy_share(o) UNION ALL SELECT 1, * FROM quality_discrepancy_share(n)) s
  CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(s.sign) <> 0 OR coalesce(sum(s.sign) FILTER (WHERE s.severity = 'high'), 0) <> 0
      OR coalesce(sum(s.sign) FILTER (WHERE s.resolution = 'confirmed'), 0) <> 0 OR coalesce(sum(s.sign) FILTER (WHERE s.resolution = 'dismissed'), 0) <> 0
      OR coalesce(sum(s.sign) FILTER (WHERE s.resolution = 'retest'), 0) <> 0 OR coalesce(sum(s.sign) FILTER (WHERE s.resolution IS NULL), 0) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT quality_discrepancy_rollup_key DO UPDATE SET
    found = r.found + excluded.found, high = r.high + excluded.high, confirmed = r.confirmed + excluded.confirmed,
    dismissed = r.dismissed + excluded.dismissed, retest = r.retest + excluded.retest, unresolved = r.unresolved + excluded.unresolved;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "communication_rollup_apply"(o "messages", n "messages") RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO communication_rollup AS r (grain, period, job_id, department_id, template, locale, channel, created, sent, failed, opened)
  SELECT g.grain, date_trunc(g.grain, s.at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id, s.template, s.locale, s.channel,
         sum(s.sign), sum(s.sign * s.sent), sum(s.sign * s.failed), sum(s.sign * s.opened)
  FROM (SELECT -1 AS sign, * FROM communication_share(o) UNION ALL SELECT 1, * FROM communication_share(n)) s
  CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  HAVING sum(s.sign) <> 0 OR sum(s.sign * s.sent) <> 0 OR sum(s.sign * s.failed) <> 0 OR sum(s.sign * s.opened) <> 0
  ORDER BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT ON CONSTRAINT communication_rollup_key DO UPDATE SET
    created = r.created + excluded.created, sent = r.sent + excluded.sent, failed = r.failed + excluded.failed,
    opened = r.opened + excluded.opened;
END;
$$;
--> statement-breakpoint
-- The row triggers: the old share out and the new in (null for an insert's old and a delete's new).
CREATE OR REPLACE FUNCTION "employees_onboarding_rollup_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN PERFORM onboarding_rollups_apply(NULL, NEW);
  ELSIF TG_OP = 'DELETE' THEN PERFORM onboarding_rollups_apply(OLD, NULL);
  ELSE PERFORM onboarding_rollups_apply(OLD, NEW);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "applications_quality_rollup_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN PERFORM quality_rollups_apply(NULL, NEW);
  ELSIF TG_OP = 'DELETE' THEN PERFORM quality_rollups_apply(OLD, NULL);
  ELSE PERFORM quality_rollups_apply(OLD, NEW);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "messages_communication_rollup_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN PERFORM communication_rollup_apply(NULL, NEW);
  ELSIF TG_OP = 'DELETE' THEN PERFORM communication_rollup_apply(OLD, NULL);
  ELSE PERFORM communication_rollup_apply(OLD, NEW);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- A document rejected (or no longer): one down on its old new hire's rows, one up on its new one's.
CREATE OR REPLACE FUNCTION "onboarding_documents_row"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  o uuid;
  n uuid;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF OLD.status = 'rejected' THEN o := OLD.employee_id; END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.status = 'rejected' THEN n := NEW.employee_id; END IF;
  END IF;
  INSERT INTO onboarding_rollup AS r (grain, period, job_id, department_id, documents_rejected)
  SELECT g.grain, date_trunc(g.grain, e.created_at AT TIME ZONE 'UTC')::date, e.job_id, e.department_id, sum(d.sign)
  FROM (VALUES (-1, o), (1, n)) d(sign, employee_id)
  JOIN employees e ON e.id = d.employee_id
  CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4
  HAVING sum(d.sign) <> 0
  ORDER BY 1, 2, 3, 4
  ON CONFLICT ON CONSTRAINT onboarding_rollup_key DO UPDATE SET documents_rejected = r.documents_rejected + excluded.documents_rejected;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Inserts and deletes always count; updates only when a counted column really changed (the
-- mirror rewrites an application's discrepancies with every stage change, mostly unchanged).
CREATE TRIGGER "employees_onboarding_rollup" AFTER INSERT OR DELETE ON "employees"
  FOR EACH ROW EXECUTE FUNCTION "employees_onboarding_rollup_row"();
--> statement-breakpoint
CREATE TRIGGER "employees_onboarding_rollup_update" AFTER UPDATE OF created_at, hired_at, task_outcomes, course_outcomes, job_id, department_id ON "employees"
  FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.hired_at IS DISTINCT FROM NEW.hired_at
                     OR OLD.task_outcomes IS DISTINCT FROM NEW.task_outcomes OR OLD.course_outcomes IS DISTINCT FROM NEW.course_outcomes
                     OR OLD.job_id IS DISTINCT FROM NEW.job_id OR OLD.department_id IS DISTINCT FROM NEW.department_id)
  EXECUTE FUNCTION "employees_onboarding_rollup_row"();
--> statement-breakpoint
CREATE TRIGGER "employee_documents_onboarding_rollup" AFTER INSERT OR DELETE ON "employee_documents"
  FOR EACH ROW EXECUTE FUNCTION "onboarding_documents_row"();
--> statement-breakpoint
CREATE TRIGGER "employee_documents_onboarding_rollup_update" AFTER UPDATE OF status, employee_id ON "employee_documents"
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.employee_id IS DISTINCT FROM NEW.employee_id)
  EXECUTE FUNCTION "onboarding_documents_row"();
--> statement-breakpoint
CREATE TRIGGER "applications_quality_rollup" AFTER INSERT OR DELETE ON "applications"
  FOR EACH ROW EXECUTE FUNCTION "applications_quality_rollup_row"();
--> statement-breakpoint
CREATE TRIGGER "applications_quality_rollup_update" AFTER UPDATE OF score_dimensions, discrepancies, created_at, job_id, department_id ON "applications"
  FOR EACH ROW WHEN (OLD.score_dimensions IS DISTINCT FROM NEW.score_dimensions OR OLD.discrepancies IS DISTINCT FROM NEW.discrepancies
                     OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.job_id IS DISTINCT FROM NEW.job_id
                     OR OLD.department_id IS DISTINCT FROM NEW.department_id)
  EXECUTE FUNCTION "applications_quality_rollup_row"();
--> statement-breakpoint
CREATE TRIGGER "messages_communication_rollup" AFTER INSERT OR DELETE ON "messages"
  FOR EACH ROW EXECUTE FUNCTION "messages_communication_rollup_row"();
--> statement-breakpoint
CREATE TRIGGER "messages_communication_rollup_update" AFTER UPDATE OF created_at, application_id, template, locale, channel, status, opened_at ON "messages"
  FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.application_id IS DISTINCT FROM NEW.application_id
                     OR OLD.template IS DISTINCT FROM NEW.template OR OLD.locale IS DISTINCT FROM NEW.locale
                     OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.status IS DISTINCT FROM NEW.status
                     OR (OLD.opened_at IS NULL) <> (NEW.opened_at IS NULL))
  EXECUTE FUNCTION "messages_communication_rollup_row"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "onboarding_quality_rollups_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'employees' THEN
    TRUNCATE onboarding_rollup, onboarding_task_rollup, onboarding_hired_histogram;
  ELSIF TG_TABLE_NAME = 'employee_documents' THEN
    UPDATE onboarding_rollup SET documents_rejected = 0 WHERE documents_rejected <> 0;
  ELSIF TG_TABLE_NAME = 'applications' THEN
    TRUNCATE quality_agreement_rollup, quality_discrepancy_rollup;
  ELSE
    TRUNCATE communication_rollup;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "employees_onboarding_rollup_truncate" AFTER TRUNCATE ON "employees"
  FOR EACH STATEMENT EXECUTE FUNCTION "onboarding_quality_rollups_truncate"();
--> statement-breakpoint
CREATE TRIGGER "employee_documents_onboarding_rollup_truncate" AFTER TRUNCATE ON "employee_documents"
  FOR EACH STATEMENT EXECUTE FUNCTION "onboarding_quality_rollups_truncate"();
--> statement-breakpoint
CREATE TRIGGER "applications_quality_rollup_truncate" AFTER TRUNCATE ON "applications"
  FOR EACH STATEMENT EXECUTE FUNCTION "onboarding_quality_rollups_truncate"();
--> statement-breakpoint
CREATE TRIGGER "messages_communication_rollup_truncate" AFTER TRUNCATE ON "messages"
  FOR EACH STATEMENT EXECUTE FUNCTION "onboarding_quality_rollups_truncate"();
--> statement-breakpoint
-- These rollups computed again from every fact, with the same share functions as the
-- triggers: the backfill below, and `npm run bench` after it seeds with the triggers off.
CREATE OR REPLACE FUNCTION "onboarding_quality_rollups_rebuild"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM onboarding_rollup;
  DELETE FROM onboarding_task_rollup;
  DELETE FROM onboarding_hired_histogram;
  DELETE FROM quality_agreement_rollup;
  DELETE FROM quality_discrepancy_rollup;
  DELETE FROM communication_rollup;
  INSERT INTO onboarding_rollup (grain, period, job_id, department_id, started, hired, documents_rejected,
                                 courses_first_attempt, courses_after_retake, courses_not_passed)
  SELECT g.grain, date_trunc(g.grain, s.at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id, count(*), sum(s.hired),
         sum(s.documents_rejected), sum(s.courses_first_attempt), sum(s.courses_after_retake), sum(s.courses_not_passed)
  FROM employees e CROSS JOIN LATERAL onboarding_hire_share(e) s CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4;
  INSERT INTO onboarding_task_rollup (grain, period, job_id, department_id, assignee, on_time, late, open)
  SELECT g.grain, date_trunc(g.grain, s.at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id, s.assignee,
         sum(s.on_time), sum(s.late), sum(s.open)
  FROM employees e CROSS JOIN LATERAL onboarding_task_share(e) s CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO onboarding_hired_histogram (grain, period, job_id, department_id, bucket, n, sum_seconds)
  SELECT g.grain, date_trunc(g.grain, s.at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id, report_duration_bucket(s.secs),
         count(*), sum(s.secs)
  FROM employees e CROSS JOIN LATERAL onboarding_hired_share(e) s CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO quality_agreement_rollup (grain, period, job_id, department_id, competency, evaluated, sum_human, n_ai, sum_ai,
                                        sum_gap, sum_abs_gap, human_higher, human_lower, equal)
  SELECT g.grain, date_trunc(g.grain, s.at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id, s.competency,
         count(*), sum(s.human), count(s.ai), coalesce(sum(s.ai), 0), coalesce(sum(s.human - s.ai), 0), coalesce(sum(abs(s.human - s.ai)), 0),
         count(*) FILTER (WHERE s.human > s.ai), count(*) FILTER (WHERE s.human < s.ai), count(*) FILTER (WHERE s.human = s.ai)
  FROM applications a CROSS JOIN LATERAL quality_agreement_share(a) s CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO quality_discrepancy_rollup (grain, period, job_id, department_id, rule, found, high, confirmed, dismissed, retest, unresolved)
  SELECT g.grain, date_trunc(g.grain, s.at AT TIME ZONE 'UTC')::date, s.job_id, s.department_id, s.rule, count(*),
         count(*) FILTER (WHERE s.severity = 'high'), count(*) FILTER (WHERE s.resolution = 'confirmed'),
         count(*) FILTER (WHERE s.resolution = 'dismissed'), count(*) FILTER (WHERE s.resolution = 'retest'),
         count(*) FILTER (WHERE s.resolution IS NULL)
  FROM applications a CROSS JOIN LATERAL quality_discrepancy_share(a) s CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO communication_rollup (grain, period, job_id, department_id, template, locale, channel, created, sent, failed, opened)
  SELECT g.grain, date_trunc(g.grain, m.created_at AT TIME ZONE 'UTC')::date, a.job_id, a.department_id, m.template, m.locale, m.channel,
         count(*), count(*) FILTER (WHERE m.status IN ('sent', 'opened')), count(*) FILTER (WHERE m.status = 'failed'),
         count(m.opened_at)
  FROM messages m LEFT JOIN applications a ON a.id = m.application_id CROSS JOIN (VALUES ('day'), ('month')) g(grain)
  GROUP BY 1, 2, 3, 4, 5, 6, 7;
END;
$$;
--> statement-breakpoint
SELECT onboarding_quality_rollups_rebuild();
