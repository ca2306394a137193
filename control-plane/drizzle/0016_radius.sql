CREATE TABLE "nas_devices" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"name" text NOT NULL,
	"address" "inet" NOT NULL,
	"secret_sealed" text NOT NULL,
	"previous_secret_sealed" text,
	"previous_secret_valid_until" timestamp with time zone,
	"coa_port" integer DEFAULT 1700 NOT NULL,
	"require_message_authenticator" boolean DEFAULT true NOT NULL,
	"limit_proxy_state" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "nas_devices_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "nas_devices_address_unique" UNIQUE("tenant_id","site_id","address"),
	CONSTRAINT "nas_devices_name_unique" UNIQUE("tenant_id","site_id","name"),
	CONSTRAINT "nas_devices_name_present" CHECK (btrim("nas_devices"."name") <> '' and length("nas_devices"."name") <= 64),
	CONSTRAINT "nas_devices_coa_port_range" CHECK ("nas_devices"."coa_port" between 1 and 65535),
	CONSTRAINT "nas_devices_previous_secret_complete" CHECK (("nas_devices"."previous_secret_sealed" is null) = ("nas_devices"."previous_secret_valid_until" is null))
);
--> statement-breakpoint
ALTER TABLE "nas_devices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "enforcement_events" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"site_id" uuid NOT NULL,
	"subscription_id" uuid NOT NULL,
	"revision" bigint NOT NULL,
	"reason" text NOT NULL,
	"action" text NOT NULL,
	"outcome" text NOT NULL,
	"session_id" text,
	"nas_id" uuid,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error_cause" integer,
	"error_cause_name" text,
	"detail" text,
	"requested_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enforcement_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "enforcement_events_action" CHECK ("enforcement_events"."action" in ('coa', 'disconnect', 'none')),
	CONSTRAINT "enforcement_events_outcome" CHECK ("enforcement_events"."outcome" in ('ack', 'nak', 'timeout', 'reauth', 'not_online', 'no_nas'))
);
--> statement-breakpoint
ALTER TABLE "enforcement_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "radius_accounting" (
	"tenant_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"unique_id" text NOT NULL,
	"agent_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"nas_id" uuid,
	"status_type" text NOT NULL,
	"session_id" text,
	"user_name" text,
	"subscription_id" uuid,
	"input_octets" bigint NOT NULL,
	"output_octets" bigint NOT NULL,
	"event_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "radius_accounting_tenant_id_site_id_unique_id_pk" PRIMARY KEY("tenant_id","site_id","unique_id"),
	CONSTRAINT "radius_accounting_octets" CHECK ("radius_accounting"."input_octets" >= 0 and "radius_accounting"."output_octets" >= 0)
);
--> statement-breakpoint
ALTER TABLE "radius_accounting" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "radius_sessions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"site_id" uuid NOT NULL,
	"nas_id" uuid NOT NULL,
	"nas_ip" "inet",
	"acct_session_id" text NOT NULL,
	"user_name" text,
	"subscription_id" uuid,
	"voucher_code" text,
	"framed_ip" "inet",
	"calling_station_id" text,
	"nas_port_id" text,
	"status" text DEFAULT 'online' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_update_at" timestamp with time zone NOT NULL,
	"stopped_at" timestamp with time zone,
	"session_time" integer DEFAULT 0 NOT NULL,
	"input_octets" bigint DEFAULT 0 NOT NULL,
	"output_octets" bigint DEFAULT 0 NOT NULL,
	"terminate_cause" text,
	CONSTRAINT "radius_sessions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "radius_sessions_acct_unique" UNIQUE("tenant_id","site_id","nas_id","acct_session_id"),
	CONSTRAINT "radius_sessions_status_valid" CHECK ("radius_sessions"."status" in ('online', 'stopped', 'stale')),
	CONSTRAINT "radius_sessions_stopped" CHECK (("radius_sessions"."status" = 'online') = ("radius_sessions"."stopped_at" is null)),
	CONSTRAINT "radius_sessions_octets" CHECK ("radius_sessions"."input_octets" >= 0 and "radius_sessions"."output_octets" >= 0)
);
--> statement-breakpoint
ALTER TABLE "radius_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "billing_settings" ADD COLUMN "isolation_rate_limit" text DEFAULT '256k/256k';--> statement-breakpoint
ALTER TABLE "billing_settings" ADD COLUMN "isolation_pool" text;--> statement-breakpoint
ALTER TABLE "site_changes" ADD COLUMN "entity_key" text;--> statement-breakpoint
ALTER TABLE "voucher_batches" ADD COLUMN "mac_binding" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "nas_devices" ADD CONSTRAINT "nas_devices_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nas_devices" ADD CONSTRAINT "nas_devices_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enforcement_events" ADD CONSTRAINT "enforcement_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enforcement_events" ADD CONSTRAINT "enforcement_events_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "radius_accounting" ADD CONSTRAINT "radius_accounting_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "radius_accounting" ADD CONSTRAINT "radius_accounting_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "radius_sessions" ADD CONSTRAINT "radius_sessions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "radius_sessions" ADD CONSTRAINT "radius_sessions_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enforcement_events_subscription_idx" ON "enforcement_events" USING btree ("tenant_id","subscription_id","completed_at");--> statement-breakpoint
CREATE INDEX "radius_accounting_session_idx" ON "radius_accounting" USING btree ("tenant_id","site_id","nas_id","session_id");--> statement-breakpoint
CREATE INDEX "radius_accounting_subscription_idx" ON "radius_accounting" USING btree ("tenant_id","subscription_id","event_at");--> statement-breakpoint
CREATE INDEX "radius_sessions_status_idx" ON "radius_sessions" USING btree ("tenant_id","status","last_update_at");--> statement-breakpoint
CREATE INDEX "radius_sessions_subscription_idx" ON "radius_sessions" USING btree ("tenant_id","subscription_id","started_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "nas_devices" AS PERMISSIVE FOR ALL TO public USING ("nas_devices"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("nas_devices"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "enforcement_events" AS PERMISSIVE FOR ALL TO public USING ("enforcement_events"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("enforcement_events"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "radius_accounting" AS PERMISSIVE FOR ALL TO public USING ("radius_accounting"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("radius_accounting"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "radius_sessions" AS PERMISSIVE FOR ALL TO public USING ("radius_sessions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("radius_sessions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);