-- Hand-written: FORCE for the new tenant tables (see 0001) and their tenant-to-tenant foreign
-- keys DEFERRABLE like the others (0007).
ALTER TABLE "nas_devices" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "radius_accounting" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "radius_sessions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enforcement_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "nas_devices" ALTER CONSTRAINT "nas_devices_site_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "radius_accounting" ALTER CONSTRAINT "radius_accounting_site_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "radius_sessions" ALTER CONSTRAINT "radius_sessions_site_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "enforcement_events" ALTER CONSTRAINT "enforcement_events_site_fk" DEFERRABLE INITIALLY IMMEDIATE;
--> statement-breakpoint
-- Sites now also hold routers, hotspot codes, the isolation policy and PPPoE passwords, none of
-- which the revision log written before this migration carries: an agent replaying it would
-- not hold what a snapshot gives. So each site's log restarts: the old rows go and the revision
-- moves on by one, and every agent, now behind a log that no longer reaches back to it, is
-- answered with a snapshot (sync/revision-log.ts). Tenant by tenant, under row-level security.
DO $$
DECLARE
  t uuid;
BEGIN
  PERFORM set_config('app.platform', 'on', true);
  FOR t IN SELECT "id" FROM "tenants" LOOP
    PERFORM set_config('app.tenant_id', t::text, true);
    DELETE FROM "site_changes" WHERE "tenant_id" = t;
    UPDATE "sites" SET "revision" = "revision" + 1 WHERE "tenant_id" = t;
  END LOOP;
  PERFORM set_config('app.tenant_id', '', true);
  PERFORM set_config('app.platform', '', true);
END $$;
