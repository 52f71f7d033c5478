CREATE TABLE "stage_transitions" (
	"application_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"from_stage" text NOT NULL,
	"to_stage" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" text,
	"actor_name" text,
	"job_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"left_at" timestamp with time zone,
	"next_stage" text,
	"source" text DEFAULT 'live' NOT NULL,
	CONSTRAINT "stage_transitions_application_id_seq_pk" PRIMARY KEY("application_id","seq")
);
--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "decision_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "discrepancies" jsonb;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "score_dimensions" jsonb;--> statement-breakpoint
ALTER TABLE "approval_items" ADD COLUMN "requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "approval_items" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "approval_items" ADD COLUMN "comment" text;--> statement-breakpoint
ALTER TABLE "offer_versions" ADD COLUMN "viewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "offer_versions" ADD COLUMN "reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "offer_versions" ADD COLUMN "responded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "employees" ADD COLUMN "task_outcomes" jsonb;--> statement-breakpoint
ALTER TABLE "employees" ADD COLUMN "course_outcomes" jsonb;--> statement-breakpoint
ALTER TABLE "stage_transitions" ADD CONSTRAINT "stage_transitions_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stage_transitions_at_idx" ON "stage_transitions" USING btree ("at","to_stage","next_stage","left_at","job_id","department_id");--> statement-breakpoint
CREATE INDEX "stage_transitions_job_at_idx" ON "stage_transitions" USING btree ("job_id","at","to_stage","next_stage","left_at");--> statement-breakpoint
CREATE INDEX "stage_transitions_dept_at_idx" ON "stage_transitions" USING btree ("department_id","at","to_stage","next_stage","left_at");--> statement-breakpoint
CREATE INDEX "stage_transitions_open_idx" ON "stage_transitions" USING btree ("to_stage","at","job_id","department_id") WHERE left_at is null and to_stage not in ('rejected', 'withdrawn', 'declined', 'expired', 'hired');--> statement-breakpoint
CREATE INDEX "stage_transitions_decision_idx" ON "stage_transitions" USING btree ("application_id","at") WHERE from_stage in ('evaluation', 'decision') and to_stage in ('rejected', 'offer_drafting');--> statement-breakpoint
CREATE INDEX "stage_transitions_withdrawn_idx" ON "stage_transitions" USING btree ("application_id") WHERE to_stage = 'withdrawn';--> statement-breakpoint
CREATE INDEX "applications_decision_due_idx" ON "applications" USING btree ("decision_due_at","job_id","department_id","id") WHERE decision_due_at is not null;--> statement-breakpoint
CREATE INDEX "messages_created_idx" ON "messages" USING btree ("created_at","template","locale","channel","status");--> statement-breakpoint
CREATE INDEX "offer_versions_sent_idx" ON "offer_versions" USING btree ("sent_at") WHERE sent_at is not null;--> statement-breakpoint
CREATE INDEX "employees_created_idx" ON "employees" USING btree ("created_at","job_id","department_id");