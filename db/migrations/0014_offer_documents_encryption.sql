ALTER TABLE "offer_documents" ADD COLUMN "wrapping_key_id" text;--> statement-breakpoint
ALTER TABLE "offer_documents" ADD COLUMN "wrapped_key" text;