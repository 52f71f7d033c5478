CREATE TABLE "retention_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_key" text NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"erased" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failed" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"idempotency_keys_purged" integer DEFAULT 0 NOT NULL,
	"webhook_events_purged" integer DEFAULT 0 NOT NULL,
	"more" boolean DEFAULT false NOT NULL,
	CONSTRAINT "retention_runs_run_key_unique" UNIQUE("run_key")
);
--> statement-breakpoint
ALTER TABLE "settings" ADD COLUMN "retention" jsonb;--> statement-breakpoint
CREATE INDEX "retention_runs_started_idx" ON "retention_runs" USING btree ("started_at" DESC NULLS LAST);