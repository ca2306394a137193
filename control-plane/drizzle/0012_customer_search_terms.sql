CREATE TABLE "customer_search_terms" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"term" text NOT NULL,
	CONSTRAINT "customer_search_terms_pkey" PRIMARY KEY("tenant_id","customer_id","term")
);
--> statement-breakpoint
ALTER TABLE "customer_search_terms" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP INDEX "customers_name_trgm_idx";--> statement-breakpoint
DROP INDEX "customers_phone_trgm_idx";--> statement-breakpoint
DROP INDEX "subscriptions_pppoe_username_trgm_idx";--> statement-breakpoint
ALTER TABLE "customer_search_terms" ADD CONSTRAINT "customer_search_terms_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_search_terms" ADD CONSTRAINT "customer_search_terms_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_search_terms_term_idx" ON "customer_search_terms" USING btree ("tenant_id","term" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "customers_phone_prefix_idx" ON "customers" USING btree ("tenant_id","phone_e164" text_pattern_ops);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "customer_search_terms" AS PERMISSIVE FOR ALL TO public USING ("customer_search_terms"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("customer_search_terms"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);