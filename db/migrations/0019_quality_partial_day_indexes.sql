-- The hiring-quality report reads whole days and months from its rollups and the partial
-- days at either end of the period from the applications themselves. A day can hold tens of
-- thousands of new applications, none evaluated yet: the bench's full run read the report's
-- p50 at 202 ms with ~55,000 of them in the current day, for 88 ms earlier in the day.
-- These partial indexes hold only the applications that can count (a person's scores, or
-- discrepancies), with the same predicates as the report's query and the rollup's triggers
-- (0018): with 60,000 unevaluated applications today, 107 ms became 7-9 ms. New submissions
-- match neither predicate, so they add no entry to either index.
CREATE INDEX "applications_scored_created_idx" ON "applications" USING btree ("created_at") WHERE jsonb_typeof(score_dimensions) = 'array' and score_dimensions <> '[]'::jsonb;--> statement-breakpoint
CREATE INDEX "applications_discrepant_created_idx" ON "applications" USING btree ("created_at") WHERE jsonb_typeof(discrepancies) = 'array' and discrepancies <> '[]'::jsonb;