-- The hiring-quality report reads whole days and months from its rollups and the partial
-- days at either end of the period from the applications themselves. A day can hold tens of
-- thousands of new applications, none evaluated yet: the bench's full run read the report's
-- p50 at 202 ms with ~55,000 of them in the current day (88 ms earlier in the day).
-- These partial indexes hold only the applications that can count (a person's scores, or
-- discrepancies), with the predicates of the report's statements and of the rollup's
-- triggers (0018); the report reads each partial day as a range of them. On the bench's
-- database after a full run (80,000 applications that day, 1,160 of them scored), the
-- agreement statement took 9.6 ms, against 130 with both days in one scan of the index. New
-- submissions match neither predicate, so they add no entry to either index.
CREATE INDEX "applications_scored_created_idx" ON "applications" USING btree ("created_at") WHERE jsonb_typeof(score_dimensions) = 'array' and score_dimensions <> '[]'::jsonb;--> statement-breakpoint
CREATE INDEX "applications_discrepant_created_idx" ON "applications" USING btree ("created_at") WHERE jsonb_typeof(discrepancies) = 'array' and discrepancies <> '[]'::jsonb;