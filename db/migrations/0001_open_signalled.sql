ALTER TABLE "messages" ADD COLUMN "open_signalled_at" timestamp with time zone;--> statement-breakpoint
-- Opens recorded before this column existed were signalled at the time (or lost for good):
-- the sweep must not replay them into the workflows.
UPDATE "messages" SET "open_signalled_at" = "opened_at" WHERE "opened_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_open_unsignalled_idx" ON "messages" USING btree ("opened_at") WHERE "messages"."opened_at" is not null and "messages"."open_signalled_at" is null;
