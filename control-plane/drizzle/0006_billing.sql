CREATE TABLE "billing_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"invoice_due_days" smallint DEFAULT 7 NOT NULL,
	"invoice_prefix" text DEFAULT 'INV' NOT NULL,
	"reminder_offsets" integer[] DEFAULT '{-3,0,1}'::integer[] NOT NULL,
	"grace_days" smallint DEFAULT 0 NOT NULL,
	"isolate_after_days" smallint DEFAULT 3,
	"isolation_profile" text DEFAULT 'isolir' NOT NULL,
	"isolation_address_list" text DEFAULT 'isolir' NOT NULL,
	"default_tax_rate_bp" integer DEFAULT 0 NOT NULL,
	"default_tax_inclusive" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_settings_due_days_range" CHECK ("billing_settings"."invoice_due_days" between 0 and 90),
	CONSTRAINT "billing_settings_invoice_prefix_format" CHECK ("billing_settings"."invoice_prefix" ~ '^[A-Za-z0-9-]{1,12}$'),
	CONSTRAINT "billing_settings_reminder_offsets_valid" CHECK (cardinality("billing_settings"."reminder_offsets") <= 10 and array_position("billing_settings"."reminder_offsets", null) is null
        and -30 <= all ("billing_settings"."reminder_offsets") and 90 >= all ("billing_settings"."reminder_offsets")),
	CONSTRAINT "billing_settings_grace_days_range" CHECK ("billing_settings"."grace_days" between 0 and 90),
	CONSTRAINT "billing_settings_isolate_after_grace" CHECK ("billing_settings"."isolate_after_days" is null or ("billing_settings"."isolate_after_days" <= 90 and "billing_settings"."isolate_after_days" > "billing_settings"."grace_days")),
	CONSTRAINT "billing_settings_isolation_names_present" CHECK (btrim("billing_settings"."isolation_profile") <> '' and btrim("billing_settings"."isolation_address_list") <> ''),
	CONSTRAINT "billing_settings_default_tax_rate_range" CHECK ("billing_settings"."default_tax_rate_bp" between 0 and 10000)
);
--> statement-breakpoint
ALTER TABLE "billing_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "customers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"phone_e164" text,
	"email" text,
	"address" text,
	"latitude" double precision,
	"longitude" double precision,
	"id_photo_key" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "customers_name_present" CHECK (btrim("customers"."name") <> ''),
	CONSTRAINT "customers_phone_e164" CHECK ("customers"."phone_e164" ~ '^\+[1-9][0-9]{7,14}$'),
	CONSTRAINT "customers_email_format" CHECK ("customers"."email" = lower("customers"."email") and "customers"."email" ~ '^[^@\s]+@[^@\s]+$'),
	CONSTRAINT "customers_point_complete" CHECK (num_nulls("customers"."latitude", "customers"."longitude") in (0, 2)),
	CONSTRAINT "customers_point_range" CHECK ("customers"."latitude" is null or ("customers"."latitude" between -90 and 90 and "customers"."longitude" between -180 and 180)),
	CONSTRAINT "customers_tags_no_nulls" CHECK (array_position("customers"."tags", null) is null)
);
--> statement-breakpoint
ALTER TABLE "customers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoice_counters" (
	"tenant_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"last_seq" integer NOT NULL,
	CONSTRAINT "invoice_counters_tenant_id_year_pk" PRIMARY KEY("tenant_id","year"),
	CONSTRAINT "invoice_counters_year_range" CHECK ("invoice_counters"."year" between 2000 and 9999),
	CONSTRAINT "invoice_counters_last_seq_not_negative" CHECK ("invoice_counters"."last_seq" >= 0)
);
--> statement-breakpoint
ALTER TABLE "invoice_counters" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoice_lines" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"quantity" integer DEFAULT 1 NOT NULL,
	"unit_price" bigint NOT NULL,
	"discount" bigint DEFAULT 0 NOT NULL,
	"tax_rate_bp" integer NOT NULL,
	"tax_inclusive" boolean NOT NULL,
	"net" bigint NOT NULL,
	"tax" bigint NOT NULL,
	"gross" bigint NOT NULL,
	CONSTRAINT "invoice_lines_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "invoice_lines_position_unique" UNIQUE("tenant_id","invoice_id","position"),
	CONSTRAINT "invoice_lines_kind_valid" CHECK ("invoice_lines"."kind" in ('plan', 'installation', 'proration', 'discount', 'adjustment')),
	CONSTRAINT "invoice_lines_position_positive" CHECK ("invoice_lines"."position" > 0),
	CONSTRAINT "invoice_lines_quantity_positive" CHECK ("invoice_lines"."quantity" > 0),
	CONSTRAINT "invoice_lines_discount_not_negative" CHECK ("invoice_lines"."discount" >= 0),
	CONSTRAINT "invoice_lines_tax_rate_range" CHECK ("invoice_lines"."tax_rate_bp" between 0 and 10000),
	CONSTRAINT "invoice_lines_amounts_consistent" CHECK ("invoice_lines"."gross" = "invoice_lines"."net" + "invoice_lines"."tax"
        and "invoice_lines"."quantity" * "invoice_lines"."unit_price" - "invoice_lines"."discount" = case when "invoice_lines"."tax_inclusive" then "invoice_lines"."gross" else "invoice_lines"."net" end)
);
--> statement-breakpoint
ALTER TABLE "invoice_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoices" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"number" text NOT NULL,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"subscription_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"period" text NOT NULL,
	"issued_on" date NOT NULL,
	"due_on" date NOT NULL,
	"currency" text NOT NULL,
	"subtotal" bigint NOT NULL,
	"tax" bigint NOT NULL,
	"total" bigint NOT NULL,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "invoices_period_unique" UNIQUE("tenant_id","subscription_id","period"),
	CONSTRAINT "invoices_number_unique" UNIQUE("tenant_id","number"),
	CONSTRAINT "invoices_seq_unique" UNIQUE("tenant_id","year","seq"),
	CONSTRAINT "invoices_period_format" CHECK ("invoices"."period" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "invoices_year_range" CHECK ("invoices"."year" between 2000 and 9999),
	CONSTRAINT "invoices_seq_positive" CHECK ("invoices"."seq" > 0),
	CONSTRAINT "invoices_number_present" CHECK (btrim("invoices"."number") <> ''),
	CONSTRAINT "invoices_due_after_issue" CHECK ("invoices"."due_on" >= "invoices"."issued_on"),
	CONSTRAINT "invoices_currency_format" CHECK ("invoices"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "invoices_amounts_valid" CHECK ("invoices"."total" >= 0 and "invoices"."total" = "invoices"."subtotal" + "invoices"."tax"),
	CONSTRAINT "invoices_void_complete" CHECK (("invoices"."voided_at" is null) = ("invoices"."void_reason" is null)),
	CONSTRAINT "invoices_void_reason_present" CHECK (btrim("invoices"."void_reason") <> '')
);
--> statement-breakpoint
ALTER TABLE "invoices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"transaction_id" uuid NOT NULL,
	"account" text NOT NULL,
	"customer_id" uuid,
	"amount" bigint NOT NULL,
	CONSTRAINT "ledger_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "ledger_entries_account_valid" CHECK ("ledger_entries"."account" in ('receivable', 'cash', 'bank', 'ewallet', 'gateway', 'revenue', 'discount', 'tax', 'writeoff')),
	CONSTRAINT "ledger_entries_customer_account" CHECK (("ledger_entries"."account" = 'receivable') = ("ledger_entries"."customer_id" is not null)),
	CONSTRAINT "ledger_entries_amount_not_zero" CHECK ("ledger_entries"."amount" <> 0)
);
--> statement-breakpoint
ALTER TABLE "ledger_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ledger_transactions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"memo" text,
	"invoice_id" uuid,
	"payment_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_transactions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "ledger_transactions_kind_valid" CHECK ("ledger_transactions"."kind" in ('invoice', 'invoice_void', 'payment', 'payment_reversal', 'adjustment'))
);
--> statement-breakpoint
ALTER TABLE "ledger_transactions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "payments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"invoice_id" uuid,
	"method" text NOT NULL,
	"reference" text,
	"gateway" text,
	"gateway_txn_id" text,
	"amount" bigint NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"collector_user_id" uuid,
	"reversal_of" uuid,
	"reversal_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "payments_gateway_txn_unique" UNIQUE("tenant_id","gateway","gateway_txn_id"),
	CONSTRAINT "payments_reversal_unique" UNIQUE("tenant_id","reversal_of"),
	CONSTRAINT "payments_method_valid" CHECK ("payments"."method" in ('cash', 'bank_transfer', 'ewallet', 'gateway')),
	CONSTRAINT "payments_amount_positive" CHECK ("payments"."amount" > 0),
	CONSTRAINT "payments_gateway_complete" CHECK (num_nulls("payments"."gateway", "payments"."gateway_txn_id") in (0, 2)),
	CONSTRAINT "payments_gateway_method" CHECK (("payments"."gateway" is not null) = ("payments"."method" = 'gateway' and "payments"."reversal_of" is null)),
	CONSTRAINT "payments_reversal_complete" CHECK (("payments"."reversal_of" is null) = ("payments"."reversal_reason" is null)),
	CONSTRAINT "payments_reversal_reason_present" CHECK (btrim("payments"."reversal_reason") <> ''),
	CONSTRAINT "payments_reversal_not_self" CHECK ("payments"."reversal_of" <> "payments"."id")
);
--> statement-breakpoint
ALTER TABLE "payments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "plans" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"price" bigint NOT NULL,
	"cycle" text NOT NULL,
	"validity_hours" integer,
	"validity_days" integer,
	"download_kbps" integer NOT NULL,
	"upload_kbps" integer NOT NULL,
	"burst_download_kbps" integer,
	"burst_upload_kbps" integer,
	"burst_threshold_download_kbps" integer,
	"burst_threshold_upload_kbps" integer,
	"burst_time_seconds" integer,
	"address_pool" text,
	"profile_name" text,
	"quota_bytes" bigint,
	"tax_rate_bp" integer DEFAULT 0 NOT NULL,
	"tax_inclusive" boolean DEFAULT true NOT NULL,
	"installation_fee" bigint DEFAULT 0 NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plans_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "plans_name_present" CHECK (btrim("plans"."name") <> ''),
	CONSTRAINT "plans_type_valid" CHECK ("plans"."type" in ('pppoe', 'hotspot', 'static')),
	CONSTRAINT "plans_cycle_valid" CHECK ("plans"."cycle" in ('monthly', 'prepaid')),
	CONSTRAINT "plans_price_not_negative" CHECK ("plans"."price" >= 0),
	CONSTRAINT "plans_installation_fee_not_negative" CHECK ("plans"."installation_fee" >= 0),
	CONSTRAINT "plans_validity_matches_cycle" CHECK (case "plans"."cycle"
        when 'monthly' then "plans"."validity_hours" is null and "plans"."validity_days" is null
        else num_nonnulls("plans"."validity_hours", "plans"."validity_days") = 1 end),
	CONSTRAINT "plans_validity_positive" CHECK (coalesce("plans"."validity_hours", "plans"."validity_days", 1) > 0),
	CONSTRAINT "plans_speed_positive" CHECK ("plans"."download_kbps" > 0 and "plans"."upload_kbps" > 0),
	CONSTRAINT "plans_burst_complete" CHECK (num_nulls("plans"."burst_download_kbps", "plans"."burst_upload_kbps", "plans"."burst_threshold_download_kbps",
        "plans"."burst_threshold_upload_kbps", "plans"."burst_time_seconds") in (0, 5)),
	CONSTRAINT "plans_burst_valid" CHECK ("plans"."burst_download_kbps" is null or ("plans"."burst_download_kbps" >= "plans"."download_kbps"
        and "plans"."burst_upload_kbps" >= "plans"."upload_kbps" and "plans"."burst_threshold_download_kbps" > 0
        and "plans"."burst_threshold_upload_kbps" > 0 and "plans"."burst_time_seconds" > 0)),
	CONSTRAINT "plans_quota_positive" CHECK ("plans"."quota_bytes" is null or "plans"."quota_bytes" > 0),
	CONSTRAINT "plans_tax_rate_range" CHECK ("plans"."tax_rate_bp" between 0 and 10000)
);
--> statement-breakpoint
ALTER TABLE "plans" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "site_changes" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"site_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "site_changes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "site_changes_kind_format" CHECK ("site_changes"."kind" ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)*$')
);
--> statement-breakpoint
ALTER TABLE "site_changes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sites" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"time_zone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sites_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "sites_name_present" CHECK (btrim("sites"."name") <> '')
);
--> statement-breakpoint
ALTER TABLE "sites" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"access" text NOT NULL,
	"pppoe_username" text,
	"pppoe_password_sealed" text,
	"static_ip" "inet",
	"mac" "macaddr",
	"billing_day" smallint NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"activated_at" timestamp with time zone,
	"terminated_at" timestamp with time zone,
	"keep_active_until" date,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "subscriptions_access_valid" CHECK ("subscriptions"."access" in ('pppoe', 'static', 'mac')),
	CONSTRAINT "subscriptions_status_valid" CHECK ("subscriptions"."status" in ('pending', 'active', 'isolated', 'suspended', 'terminated')),
	CONSTRAINT "subscriptions_access_complete" CHECK (case "subscriptions"."access"
        when 'pppoe' then "subscriptions"."pppoe_username" is not null and "subscriptions"."pppoe_password_sealed" is not null
        when 'static' then "subscriptions"."static_ip" is not null
        else "subscriptions"."mac" is not null end),
	CONSTRAINT "subscriptions_pppoe_username_format" CHECK ("subscriptions"."pppoe_username" ~ '^[A-Za-z0-9._@-]{1,64}$'),
	CONSTRAINT "subscriptions_billing_day_range" CHECK ("subscriptions"."billing_day" between 1 and 28),
	CONSTRAINT "subscriptions_activated" CHECK ("subscriptions"."status" not in ('active', 'isolated', 'suspended') or "subscriptions"."activated_at" is not null),
	CONSTRAINT "subscriptions_terminated" CHECK (("subscriptions"."status" = 'terminated') = ("subscriptions"."terminated_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "subscriptions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "voucher_batches" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"site_id" uuid,
	"count" integer NOT NULL,
	"prefix" text DEFAULT '' NOT NULL,
	"code_length" smallint NOT NULL,
	"price" bigint NOT NULL,
	"reseller_price" bigint,
	"validity_hours" integer,
	"validity_days" integer,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "voucher_batches_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "voucher_batches_count_range" CHECK ("voucher_batches"."count" between 1 and 10000),
	CONSTRAINT "voucher_batches_prefix_format" CHECK ("voucher_batches"."prefix" ~ '^[A-Z0-9-]{0,12}$'),
	CONSTRAINT "voucher_batches_code_length_range" CHECK ("voucher_batches"."code_length" between 4 and 32),
	CONSTRAINT "voucher_batches_price_not_negative" CHECK ("voucher_batches"."price" >= 0),
	CONSTRAINT "voucher_batches_reseller_price_not_negative" CHECK ("voucher_batches"."reseller_price" >= 0),
	CONSTRAINT "voucher_batches_validity_one" CHECK (num_nonnulls("voucher_batches"."validity_hours", "voucher_batches"."validity_days") = 1),
	CONSTRAINT "voucher_batches_validity_positive" CHECK (coalesce("voucher_batches"."validity_hours", "voucher_batches"."validity_days") > 0)
);
--> statement-breakpoint
ALTER TABLE "voucher_batches" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "vouchers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"code" text NOT NULL,
	"state" text DEFAULT 'new' NOT NULL,
	"sold_at" timestamp with time zone,
	"activated_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"mac" "macaddr",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vouchers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "vouchers_code_unique" UNIQUE("tenant_id","code"),
	CONSTRAINT "vouchers_state_valid" CHECK ("vouchers"."state" in ('new', 'sold', 'active', 'expired', 'void')),
	CONSTRAINT "vouchers_code_format" CHECK ("vouchers"."code" ~ '^[A-Za-z0-9-]{4,44}$'),
	CONSTRAINT "vouchers_sold" CHECK ("vouchers"."state" <> 'sold' or "vouchers"."sold_at" is not null),
	CONSTRAINT "vouchers_active" CHECK ("vouchers"."state" <> 'active' or ("vouchers"."activated_at" is not null and "vouchers"."expires_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "vouchers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "billing_settings" ADD CONSTRAINT "billing_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_counters" ADD CONSTRAINT "invoice_counters_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "public"."invoices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_subscription_fk" FOREIGN KEY ("tenant_id","subscription_id") REFERENCES "public"."subscriptions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_fk" FOREIGN KEY ("tenant_id","transaction_id") REFERENCES "public"."ledger_transactions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_invoice_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "public"."invoices"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_payment_fk" FOREIGN KEY ("tenant_id","payment_id") REFERENCES "public"."payments"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_collector_user_id_users_id_fk" FOREIGN KEY ("collector_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_invoice_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "public"."invoices"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_reversal_of_fk" FOREIGN KEY ("tenant_id","reversal_of") REFERENCES "public"."payments"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_changes" ADD CONSTRAINT "site_changes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_changes" ADD CONSTRAINT "site_changes_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_plan_fk" FOREIGN KEY ("tenant_id","plan_id") REFERENCES "public"."plans"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voucher_batches" ADD CONSTRAINT "voucher_batches_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voucher_batches" ADD CONSTRAINT "voucher_batches_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voucher_batches" ADD CONSTRAINT "voucher_batches_plan_fk" FOREIGN KEY ("tenant_id","plan_id") REFERENCES "public"."plans"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voucher_batches" ADD CONSTRAINT "voucher_batches_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vouchers" ADD CONSTRAINT "vouchers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vouchers" ADD CONSTRAINT "vouchers_batch_fk" FOREIGN KEY ("tenant_id","batch_id") REFERENCES "public"."voucher_batches"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customers_tenant_name_idx" ON "customers" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "customers_name_trgm_idx" ON "customers" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customers_phone_trgm_idx" ON "customers" USING gin ("phone_e164" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "invoices_customer_idx" ON "invoices" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "invoices_due_idx" ON "invoices" USING btree ("tenant_id","due_on") WHERE "invoices"."voided_at" is null;--> statement-breakpoint
CREATE INDEX "ledger_entries_transaction_idx" ON "ledger_entries" USING btree ("tenant_id","transaction_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_customer_idx" ON "ledger_entries" USING btree ("tenant_id","customer_id","amount");--> statement-breakpoint
CREATE INDEX "ledger_transactions_invoice_idx" ON "ledger_transactions" USING btree ("tenant_id","invoice_id");--> statement-breakpoint
CREATE INDEX "ledger_transactions_payment_idx" ON "ledger_transactions" USING btree ("tenant_id","payment_id");--> statement-breakpoint
CREATE INDEX "ledger_transactions_occurred_idx" ON "ledger_transactions" USING btree ("tenant_id","occurred_at");--> statement-breakpoint
CREATE INDEX "payments_customer_idx" ON "payments" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "payments_invoice_idx" ON "payments" USING btree ("tenant_id","invoice_id");--> statement-breakpoint
CREATE INDEX "payments_collector_idx" ON "payments" USING btree ("tenant_id","collector_user_id","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "plans_name_unique" ON "plans" USING btree ("tenant_id",lower("name")) WHERE "plans"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "site_changes_site_idx" ON "site_changes" USING btree ("tenant_id","site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sites_name_unique" ON "sites" USING btree ("tenant_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_pppoe_username_unique" ON "subscriptions" USING btree ("tenant_id","pppoe_username");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_static_ip_unique" ON "subscriptions" USING btree ("tenant_id","site_id","static_ip") WHERE "subscriptions"."static_ip" is not null and "subscriptions"."status" <> 'terminated';--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_mac_unique" ON "subscriptions" USING btree ("tenant_id","site_id","mac") WHERE "subscriptions"."mac" is not null and "subscriptions"."status" <> 'terminated';--> statement-breakpoint
CREATE INDEX "subscriptions_customer_idx" ON "subscriptions" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "subscriptions_status_idx" ON "subscriptions" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "subscriptions_site_idx" ON "subscriptions" USING btree ("tenant_id","site_id");--> statement-breakpoint
CREATE INDEX "subscriptions_pppoe_username_trgm_idx" ON "subscriptions" USING gin ("pppoe_username" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "voucher_batches_created_idx" ON "voucher_batches" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "vouchers_batch_idx" ON "vouchers" USING btree ("tenant_id","batch_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "billing_settings" AS PERMISSIVE FOR ALL TO public USING ("billing_settings"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("billing_settings"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "customers" AS PERMISSIVE FOR ALL TO public USING ("customers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("customers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoice_counters" AS PERMISSIVE FOR ALL TO public USING ("invoice_counters"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("invoice_counters"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoice_lines" AS PERMISSIVE FOR ALL TO public USING ("invoice_lines"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("invoice_lines"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoices" AS PERMISSIVE FOR ALL TO public USING ("invoices"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("invoices"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ledger_entries" AS PERMISSIVE FOR ALL TO public USING ("ledger_entries"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("ledger_entries"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ledger_transactions" AS PERMISSIVE FOR ALL TO public USING ("ledger_transactions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("ledger_transactions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "payments" AS PERMISSIVE FOR ALL TO public USING ("payments"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("payments"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "plans" AS PERMISSIVE FOR ALL TO public USING ("plans"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("plans"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "site_changes" AS PERMISSIVE FOR ALL TO public USING ("site_changes"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("site_changes"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "sites" AS PERMISSIVE FOR ALL TO public USING ("sites"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("sites"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "subscriptions" AS PERMISSIVE FOR ALL TO public USING ("subscriptions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("subscriptions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "voucher_batches" AS PERMISSIVE FOR ALL TO public USING ("voucher_batches"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("voucher_batches"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "vouchers" AS PERMISSIVE FOR ALL TO public USING ("vouchers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("vouchers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);