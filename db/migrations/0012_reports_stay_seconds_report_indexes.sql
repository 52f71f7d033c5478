DROP INDEX "stage_transitions_at_idx";--> statement-breakpoint
DROP INDEX "stage_transitions_job_at_idx";--> statement-breakpoint
DROP INDEX "stage_transitions_dept_at_idx";--> statement-breakpoint
ALTER TABLE "stage_transitions" ADD COLUMN "stay_seconds" double precision GENERATED ALWAYS AS (extract(epoch from (left_at - at))) STORED;--> statement-breakpoint
CREATE INDEX "messages_approval_reminder_idx" ON "messages" USING btree ("created_at","recipient_user_id","application_id") WHERE purpose = 'offer_approval_reminder';--> statement-breakpoint
CREATE INDEX "approval_items_requested_idx" ON "approval_items" USING btree ("requested_at","application_id","level","user_id","status","decided_at") WHERE requested_at is not null;--> statement-breakpoint
CREATE INDEX "approval_items_rejected_idx" ON "approval_items" USING btree ("requested_at") WHERE status = 'rejected';--> statement-breakpoint
CREATE INDEX "stage_transitions_at_idx" ON "stage_transitions" USING btree ("at","to_stage","next_stage","stay_seconds","job_id","department_id");--> statement-breakpoint
CREATE INDEX "stage_transitions_job_at_idx" ON "stage_transitions" USING btree ("job_id","at","to_stage","next_stage","stay_seconds");--> statement-breakpoint
CREATE INDEX "stage_transitions_dept_at_idx" ON "stage_transitions" USING btree ("department_id","at","to_stage","next_stage","stay_seconds");