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
