-- The write cost of the decision-promise and offers ledgers' triggers (migration 0017), on a
-- database seeded by `BENCH_PHASES=reports` (it needs 'Reports job 0'): each kind of fact the
-- workflows write, one statement and one transaction per fact as the mirror activities run
-- them, timed with the triggers on and off, alternately. The rows it writes are deleted at the
-- end (with the triggers on, so the rollups stay equal to the facts); run it on a scratch copy.
-- (In one transaction the numbers would be wrong: every upsert of the same rollup row would
-- walk the chain of versions its own transaction left, which no real writer does.)
--   psql -d <seeded database> -f scripts/bench/reports-write-cost.sql
\set ON_ERROR_STOP 1
\set n 200
-- Without waiting for the WAL flush: a commit's fsync (5–10 ms on this shared disk) would drown
-- the triggers' fraction of a millisecond.
SET synchronous_commit = off;
CREATE TEMP TABLE write_cost (round int, arm text, kind text, n int, ms float8);
CREATE PROCEDURE pg_temp.write_facts(rnd int, arm text, n int) LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  j record;
  ids uuid[] := '{}';
  a uuid;
  k int := 0;
BEGIN
  SELECT id, department_id INTO j FROM jobs WHERE title = 'Reports job 0';
  t0 := clock_timestamp();
  FOR i IN 1..n LOOP
    a := gen_random_uuid();
    ids := ids || a;
    INSERT INTO applications (id, request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale, resume,
                              interview, accuracy, created_at, decision_due_at)
    VALUES (a, 'cost', j.id, j.department_id, 'cost-' || a, 'c', a || '@cost.example.com', 'en', '{}', '{}', 0.5,
            now() - interval '5 days', now() - interval '2 days' + i * interval '1 second');
    COMMIT;
  END LOOP;
  INSERT INTO write_cost VALUES (rnd, arm, 'application with a promise', n, extract(epoch from clock_timestamp() - t0) * 1000);
  t0 := clock_timestamp();
  FOREACH a IN ARRAY ids LOOP
    INSERT INTO stage_transitions (application_id, seq, from_stage, to_stage, at, job_id, department_id)
    VALUES (a, 1, 'received', 'screening', now() - interval '5 days', j.id, j.department_id);
    COMMIT;
  END LOOP;
  INSERT INTO write_cost VALUES (rnd, arm, 'other stage change (no decision)', n, extract(epoch from clock_timestamp() - t0) * 1000);
  t0 := clock_timestamp();
  FOREACH a IN ARRAY ids LOOP
    k := k + 1;
    INSERT INTO stage_transitions (application_id, seq, from_stage, to_stage, at, job_id, department_id)
    VALUES (a, 2, 'decision', 'offer_drafting', now() - interval '3 days' + (k % 48) * interval '1 hour', j.id, j.department_id);
    COMMIT;
  END LOOP;
  INSERT INTO write_cost VALUES (rnd, arm, 'decision', n, extract(epoch from clock_timestamp() - t0) * 1000);
  t0 := clock_timestamp();
  FOREACH a IN ARRAY ids LOOP
    -- recordOfferVersion's upsert: sent, viewed, accepted.
    INSERT INTO offer_versions (application_id, version, status, offer, sent_at, expires_at)
    VALUES (a, 1, 'sent', '{"salary":{"amount":20000}}', now() - interval '1 day', now() + interval '6 days')
    ON CONFLICT (application_id, version) DO UPDATE SET status = excluded.status, offer = excluded.offer, sent_at = excluded.sent_at;
    COMMIT;
    INSERT INTO offer_versions (application_id, version, status, offer, sent_at, expires_at, viewed_at)
    VALUES (a, 1, 'viewed', '{"salary":{"amount":20000}}', now() - interval '1 day', now() + interval '6 days', now() - interval '20 hours')
    ON CONFLICT (application_id, version) DO UPDATE SET status = excluded.status, offer = excluded.offer, viewed_at = excluded.viewed_at;
    COMMIT;
    INSERT INTO offer_versions (application_id, version, status, offer, sent_at, expires_at, viewed_at, responded_at)
    VALUES (a, 1, 'accepted', '{"salary":{"amount":20000}}', now() - interval '1 day', now() + interval '6 days', now() - interval '20 hours', now() - interval '2 hours')
    ON CONFLICT (application_id, version) DO UPDATE SET status = excluded.status, offer = excluded.offer, responded_at = excluded.responded_at;
    COMMIT;
  END LOOP;
  INSERT INTO write_cost VALUES (rnd, arm, 'offer version write (x3: sent, viewed, accepted)', n * 3, extract(epoch from clock_timestamp() - t0) * 1000);
END;
$$;
CREATE FUNCTION pg_temp.ledger_triggers(on_ boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('applications', 'applications_promise_ledger_insert'), ('applications', 'applications_promise_ledger_update'),
                                 ('stage_transitions', 'stage_transitions_promise_ledger_insert'), ('stage_transitions', 'stage_transitions_promise_ledger_update'),
                                 ('stage_transitions', 'stage_transitions_promise_ledger_delete'), ('offer_versions', 'offer_versions_report_ledger')) v(tbl, trg) LOOP
    EXECUTE format('ALTER TABLE %I %s TRIGGER %I', t.tbl, CASE WHEN on_ THEN 'ENABLE' ELSE 'DISABLE' END, t.trg);
  END LOOP;
END;
$$;
SELECT pg_temp.ledger_triggers(true);
CALL pg_temp.write_facts(1, 'on', :n);
SELECT pg_temp.ledger_triggers(false);
CALL pg_temp.write_facts(1, 'off', :n);
SELECT pg_temp.ledger_triggers(true);
CALL pg_temp.write_facts(2, 'on', :n);
SELECT pg_temp.ledger_triggers(false);
CALL pg_temp.write_facts(2, 'off', :n);
SELECT pg_temp.ledger_triggers(true);
CALL pg_temp.write_facts(3, 'on', :n);
SELECT pg_temp.ledger_triggers(false);
CALL pg_temp.write_facts(3, 'off', :n);
SELECT pg_temp.ledger_triggers(true);
CALL pg_temp.write_facts(4, 'on', :n);
SELECT pg_temp.ledger_triggers(false);
CALL pg_temp.write_facts(4, 'off', :n);
SELECT pg_temp.ledger_triggers(true);
CALL pg_temp.write_facts(5, 'on', :n);
SELECT pg_temp.ledger_triggers(false);
CALL pg_temp.write_facts(5, 'off', :n);
SELECT pg_temp.ledger_triggers(true);
CALL pg_temp.write_facts(6, 'on', :n);
SELECT pg_temp.ledger_triggers(false);
CALL pg_temp.write_facts(6, 'off', :n);
SELECT pg_temp.ledger_triggers(true);
SELECT kind, arm, sum(n) AS facts, round((sum(ms) / sum(n))::numeric, 3) AS ms_per_fact,
       round((min(ms / n))::numeric, 3) AS best_round_ms_per_fact
FROM write_cost GROUP BY kind, arm ORDER BY kind, arm DESC;
SELECT kind, round(((sum(ms) FILTER (WHERE arm = 'on') - sum(ms) FILTER (WHERE arm = 'off')) / sum(n) FILTER (WHERE arm = 'on'))::numeric, 3) AS added_ms_per_fact
FROM write_cost GROUP BY kind ORDER BY kind;
DELETE FROM applications WHERE request_hash = 'cost';
DROP TABLE write_cost;
