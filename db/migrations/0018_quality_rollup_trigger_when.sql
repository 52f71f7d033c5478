-- The hiring-quality rollup's row trigger (0016) ran its function for every application
-- inserted or deleted. A new application has neither a human evaluation (score_dimensions)
-- nor discrepancies yet, so the function wrote nothing, but running it (two INSERT ... SELECT
-- over the row's shares, grouped by day and month) cost PostgreSQL about 1 ms of CPU per
-- submission: 1.3 ms per insert with it, 0.4 without (bench/RESULTS.md, "The submission's
-- insert and the quality rollup's trigger"). The trigger is split by event so each can say,
-- in a WHEN clause, when a row can contribute; quality_agreement_share and
-- quality_discrepancy_share read nothing from a row whose two columns are not non-empty JSON
-- arrays, so the totals are exactly what they were.
DROP TRIGGER IF EXISTS "applications_quality_rollup" ON "applications";--> statement-breakpoint
CREATE TRIGGER "applications_quality_rollup" AFTER INSERT ON "applications"
  FOR EACH ROW WHEN ((jsonb_typeof(NEW.score_dimensions) = 'array' AND NEW.score_dimensions <> '[]'::jsonb)
                     OR (jsonb_typeof(NEW.discrepancies) = 'array' AND NEW.discrepancies <> '[]'::jsonb))
  EXECUTE FUNCTION "applications_quality_rollup_row"();--> statement-breakpoint
CREATE TRIGGER "applications_quality_rollup_delete" AFTER DELETE ON "applications"
  FOR EACH ROW WHEN ((jsonb_typeof(OLD.score_dimensions) = 'array' AND OLD.score_dimensions <> '[]'::jsonb)
                     OR (jsonb_typeof(OLD.discrepancies) = 'array' AND OLD.discrepancies <> '[]'::jsonb))
  EXECUTE FUNCTION "applications_quality_rollup_row"();
