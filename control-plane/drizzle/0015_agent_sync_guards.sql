-- Hand-written: FORCE for the new tenant tables (see 0001), their tenant-to-tenant foreign keys
-- DEFERRABLE like the others (0007), and the site revision counter (DESIGN §6).
ALTER TABLE "site_agents" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "agent_enrollment_tokens" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "site_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "site_commands" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "journal_records" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "site_agents" ALTER CONSTRAINT "site_agents_site_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "agent_enrollment_tokens" ALTER CONSTRAINT "agent_enrollment_tokens_site_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "site_events" ALTER CONSTRAINT "site_events_site_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "site_commands" ALTER CONSTRAINT "site_commands_site_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "journal_records" ALTER CONSTRAINT "journal_records_agent_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint

-- Every change row takes the site's next revision under the site row's lock, held to COMMIT:
-- a second writer of the same site waits, so revisions commit in the order they are numbered
-- and an agent reading "changes since N" never skips one that commits later. Whatever the
-- caller passes for `revision` is overwritten. Invoker's rights: the writer's RLS applies.
CREATE FUNCTION "site_changes_next_revision"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  next bigint;
BEGIN
  UPDATE "sites" SET "revision" = "revision" + 1
   WHERE "tenant_id" = NEW."tenant_id" AND "id" = NEW."site_id"
  RETURNING "revision" INTO next;
  -- No site visible: row-level security (checked after this trigger) or the foreign key
  -- (checked after the statement) refuses the row with its own, accurate error.
  NEW."revision" := coalesce(next, 0);
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "site_changes_revision" BEFORE INSERT ON "site_changes"
  FOR EACH ROW EXECUTE FUNCTION "site_changes_next_revision"();
--> statement-breakpoint
-- At COMMIT, each site that got changes is announced once per statement with its newest
-- revision ("<tenantId> <siteId> <revision>"): the sync bridge LISTENs and tells the site's
-- agent at once, whichever replica or job wrote the change.
CREATE FUNCTION "site_changes_announce"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT "tenant_id", "site_id", max("revision") AS revision FROM "written" GROUP BY 1, 2 LOOP
    PERFORM pg_notify('kilusi_site_revision', r."tenant_id" || ' ' || r."site_id" || ' ' || r.revision);
  END LOOP;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "site_changes_announce" AFTER INSERT ON "site_changes"
  REFERENCING NEW TABLE AS "written" FOR EACH STATEMENT EXECUTE FUNCTION "site_changes_announce"();
