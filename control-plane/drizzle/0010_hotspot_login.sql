ALTER TABLE "billing_settings" ADD COLUMN "hotspot_login_url" text DEFAULT 'http://hotspot.login/login?username={code}&password={code}' NOT NULL;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "hotspot_login_url" text;--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "sold_to" text;--> statement-breakpoint
ALTER TABLE "billing_settings" ADD CONSTRAINT "billing_settings_hotspot_login_url" CHECK ("billing_settings"."hotspot_login_url" ~ '^https?://');--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_hotspot_login_url" CHECK ("sites"."hotspot_login_url" ~ '^https?://');