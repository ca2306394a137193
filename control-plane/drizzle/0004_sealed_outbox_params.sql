ALTER TABLE "notification_outbox" ADD COLUMN "sealed_params" text;--> statement-breakpoint
-- Links queued before sealing were stored in the clear; no channel delivered them yet (the
-- development log only), so they are dropped rather than left readable in the database.
UPDATE "notification_outbox" SET "params" = "params" - 'link' WHERE "params" ? 'link';
