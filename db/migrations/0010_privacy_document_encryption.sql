ALTER TABLE "document_blobs" ADD COLUMN "wrapping_key_id" text;--> statement-breakpoint
ALTER TABLE "document_blobs" ADD COLUMN "wrapped_key" text;