-- Hand-written, self-contained (may be renumbered when branches merge).
-- 1. Every user's existing token becomes their first API key (no scopes: what the roles allow).
INSERT INTO "api_keys" ("user_id", "name", "key_hash", "created_at")
SELECT u."id", 'initial token', u."token_hash", u."created_at"
FROM "users" u
WHERE u."token_hash" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "api_keys" k WHERE k."key_hash" = u."token_hash");
--> statement-breakpoint
-- 2. Every existing job's definition is its version 1.
INSERT INTO "job_versions" ("job_id", "version", "definition", "changed", "created_at")
SELECT j."id", 1, j."definition", ARRAY[]::text[], j."created_at"
FROM "jobs" j
WHERE NOT EXISTS (SELECT 1 FROM "job_versions" v WHERE v."job_id" = j."id");
--> statement-breakpoint
-- 3. The audit log is append-only: the database itself refuses to change or remove a row.
CREATE OR REPLACE FUNCTION "audit_log_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS "audit_log_append_only" ON "audit_log";
--> statement-breakpoint
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_change"();
--> statement-breakpoint
DROP TRIGGER IF EXISTS "audit_log_no_truncate" ON "audit_log";
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"();
