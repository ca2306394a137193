CREATE TABLE "tenant_data_keys" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"wrapped_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tenant_data_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoice_reminders" (
	"tenant_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"offset_days" smallint NOT NULL,
	"sent_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_reminders_pkey" PRIMARY KEY("tenant_id","invoice_id","offset_days"),
	CONSTRAINT "invoice_reminders_offset_range" CHECK ("invoice_reminders"."offset_days" between -30 and 90)
);
--> statement-breakpoint
ALTER TABLE "invoice_reminders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invoice_lines" DROP CONSTRAINT "invoice_lines_position_unique";--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_amounts_valid";--> statement-breakpoint
ALTER TABLE "ledger_transactions" DROP CONSTRAINT "ledger_transactions_invoice_fk";
--> statement-breakpoint
DROP INDEX "ledger_transactions_invoice_idx";--> statement-breakpoint
ALTER TABLE "invoice_lines" DROP CONSTRAINT "invoice_lines_tenant_id_id_pk";--> statement-breakpoint
ALTER TABLE "invoices" ALTER COLUMN "period" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_pkey" PRIMARY KEY("tenant_id","invoice_id","position");--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "invoice_id" uuid;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "isolated_by" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "monthly_discount" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_data_keys" ADD CONSTRAINT "tenant_data_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_reminders" ADD CONSTRAINT "invoice_reminders_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_reminders" ADD CONSTRAINT "invoice_reminders_invoice_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "public"."invoices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_invoice_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "public"."invoices"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "ledger_transactions" DROP COLUMN "invoice_id";--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_amounts_valid" CHECK ("invoices"."total" = "invoices"."subtotal" + "invoices"."tax" and ("invoices"."total" >= 0 or "invoices"."period" is null));--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_invoice_receivable" CHECK ("ledger_entries"."invoice_id" is null or "ledger_entries"."account" = 'receivable');--> statement-breakpoint
UPDATE "subscriptions" SET "isolated_by" = 'staff' WHERE "status" = 'isolated';--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_isolated_by" CHECK (("subscriptions"."status" = 'isolated') = ("subscriptions"."isolated_by" is not null));--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_isolated_by_valid" CHECK ("subscriptions"."isolated_by" in ('dunning', 'staff'));--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_monthly_discount_not_negative" CHECK ("subscriptions"."monthly_discount" >= 0);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "tenant_data_keys" AS PERMISSIVE FOR ALL TO public USING ("tenant_data_keys"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_data_keys"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoice_reminders" AS PERMISSIVE FOR ALL TO public USING ("invoice_reminders"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("invoice_reminders"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);