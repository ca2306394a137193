CREATE TABLE "agent_enrollment_tokens" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"secret_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by_agent" uuid,
	CONSTRAINT "agent_enrollment_tokens_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "agent_enrollment_tokens_used" CHECK (("agent_enrollment_tokens"."used_at" is null) = ("agent_enrollment_tokens"."used_by_agent" is null))
);
--> statement-breakpoint
ALTER TABLE "agent_enrollment_tokens" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "site_agents" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"secret_hash" text NOT NULL,
	"hostname" text,
	"enrolled_at" timestamp with time zone NOT NULL,
	"credentials_rotated_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"online" boolean DEFAULT false NOT NULL,
	"last_seen_at" timestamp with time zone,
	"agent_version" text,
	"protocol" integer,
	"started_at" timestamp with time zone,
	"applied_revision" bigint DEFAULT 0 NOT NULL,
	"journal_backlog" bigint DEFAULT 0 NOT NULL,
	"journal_bytes" bigint DEFAULT 0 NOT NULL,
	"journal_cap_bytes" bigint DEFAULT 0 NOT NULL,
	"journal_oldest_at" timestamp with time zone,
	"clock_skew_ms" integer,
	"rtt_ms" integer,
	CONSTRAINT "site_agents_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "site_agents_hostname_length" CHECK (length("site_agents"."hostname") <= 253),
	CONSTRAINT "site_agents_version_length" CHECK (length("site_agents"."agent_version") <= 64)
);
--> statement-breakpoint
ALTER TABLE "site_agents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "site_events" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"site_id" uuid NOT NULL,
	"agent_id" uuid,
	"kind" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "site_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "site_events_kind_format" CHECK ("site_events"."kind" ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$')
);
--> statement-breakpoint
ALTER TABLE "site_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "site_commands" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"name" text NOT NULL,
	"args" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"requested_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"ok" boolean,
	"result" jsonb,
	"error" jsonb,
	CONSTRAINT "site_commands_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "site_commands_completed" CHECK (("site_commands"."completed_at" is null) = ("site_commands"."ok" is null))
);
--> statement-breakpoint
ALTER TABLE "site_commands" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "journal_records" (
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"site_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "journal_records_tenant_id_agent_id_seq_pk" PRIMARY KEY("tenant_id","agent_id","seq"),
	CONSTRAINT "journal_records_seq_positive" CHECK ("journal_records"."seq" > 0)
);
--> statement-breakpoint
ALTER TABLE "journal_records" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "site_changes" DROP CONSTRAINT "site_changes_kind_format";--> statement-breakpoint
DROP INDEX "site_changes_site_idx";--> statement-breakpoint
ALTER TABLE "site_changes" ALTER COLUMN "payload" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "site_changes" ALTER COLUMN "payload" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "site_changes" ADD COLUMN "revision" bigint DEFAULT 0;--> statement-breakpoint
ALTER TABLE "site_changes" ADD COLUMN "op" text;--> statement-breakpoint
ALTER TABLE "site_changes" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "location" text;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "revision" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Edited by hand: the outbox rows written before become the first revisions of their site
-- (kind `subscriber.upsert|disconnect` → kind `subscriber`, op `upsert|delete`, the reason
-- moved out of the payload), and each site's counter starts after them.
UPDATE "site_changes" c SET
  "op" = CASE WHEN c."kind" = 'subscriber.disconnect' THEN 'delete' ELSE 'upsert' END,
  "kind" = split_part(c."kind", '.', 1),
  "reason" = c."payload"->>'reason',
  "payload" = CASE WHEN c."kind" = 'subscriber.disconnect' THEN NULL ELSE c."payload" - 'reason' END,
  "revision" = n.revision
  FROM (SELECT "tenant_id", "id", row_number() OVER (PARTITION BY "tenant_id", "site_id" ORDER BY "id") AS revision
          FROM "site_changes") n
 WHERE n."tenant_id" = c."tenant_id" AND n."id" = c."id";--> statement-breakpoint
UPDATE "sites" s SET "revision" = m.revision
  FROM (SELECT "tenant_id", "site_id", max("revision") AS revision FROM "site_changes" GROUP BY 1, 2) m
 WHERE m."tenant_id" = s."tenant_id" AND m."site_id" = s."id";--> statement-breakpoint
ALTER TABLE "site_changes" ALTER COLUMN "revision" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "site_changes" ALTER COLUMN "op" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_enrollment_tokens" ADD CONSTRAINT "agent_enrollment_tokens_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_enrollment_tokens" ADD CONSTRAINT "agent_enrollment_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_enrollment_tokens" ADD CONSTRAINT "agent_enrollment_tokens_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_agents" ADD CONSTRAINT "site_agents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_agents" ADD CONSTRAINT "site_agents_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_events" ADD CONSTRAINT "site_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_events" ADD CONSTRAINT "site_events_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_commands" ADD CONSTRAINT "site_commands_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_commands" ADD CONSTRAINT "site_commands_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_commands" ADD CONSTRAINT "site_commands_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_records" ADD CONSTRAINT "journal_records_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_records" ADD CONSTRAINT "journal_records_agent_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."site_agents"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_enrollment_tokens_site_idx" ON "agent_enrollment_tokens" USING btree ("tenant_id","site_id");--> statement-breakpoint
CREATE UNIQUE INDEX "site_agents_one_active" ON "site_agents" USING btree ("tenant_id","site_id") WHERE "site_agents"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "site_events_site_idx" ON "site_events" USING btree ("tenant_id","site_id","at");--> statement-breakpoint
CREATE INDEX "site_commands_site_idx" ON "site_commands" USING btree ("tenant_id","site_id","created_at");--> statement-breakpoint
CREATE INDEX "journal_records_site_kind_idx" ON "journal_records" USING btree ("tenant_id","site_id","kind","recorded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "site_changes_revision_unique" ON "site_changes" USING btree ("tenant_id","site_id","revision");--> statement-breakpoint
CREATE INDEX "site_changes_created_idx" ON "site_changes" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "site_changes" ADD CONSTRAINT "site_changes_op" CHECK ("site_changes"."op" in ('upsert', 'delete') and ("site_changes"."op" = 'upsert') = ("site_changes"."payload" is not null));--> statement-breakpoint
ALTER TABLE "site_changes" ADD CONSTRAINT "site_changes_kind_format" CHECK ("site_changes"."kind" ~ '^[a-z][a-z0-9_]*$');--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_location_length" CHECK (length("sites"."location") <= 200);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "agent_enrollment_tokens" AS PERMISSIVE FOR ALL TO public USING ("agent_enrollment_tokens"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("agent_enrollment_tokens"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "site_agents" AS PERMISSIVE FOR ALL TO public USING ("site_agents"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("site_agents"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "site_events" AS PERMISSIVE FOR ALL TO public USING ("site_events"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("site_events"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "site_commands" AS PERMISSIVE FOR ALL TO public USING ("site_commands"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("site_commands"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "journal_records" AS PERMISSIVE FOR ALL TO public USING ("journal_records"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("journal_records"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);