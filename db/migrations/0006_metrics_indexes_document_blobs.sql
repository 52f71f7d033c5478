CREATE TABLE "document_blobs" (
	"storage_key" text PRIMARY KEY NOT NULL,
	"content" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "messages_template_channel_status_idx" ON "messages" USING btree ("template","channel","status");--> statement-breakpoint
CREATE INDEX "messages_decision_overdue_idx" ON "messages" USING btree ("application_id") WHERE purpose = 'decision_overdue';--> statement-breakpoint
CREATE INDEX "approval_items_pending_due_idx" ON "approval_items" USING btree ("due_at") WHERE status = 'pending';