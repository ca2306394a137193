ALTER TABLE "billing_settings" ADD COLUMN "invoice_footer" text;--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "voided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "void_reason" text;--> statement-breakpoint
CREATE INDEX "subscriptions_plan_idx" ON "subscriptions" USING btree ("tenant_id","plan_id");--> statement-breakpoint
CREATE INDEX "voucher_batches_plan_idx" ON "voucher_batches" USING btree ("tenant_id","plan_id");--> statement-breakpoint
ALTER TABLE "billing_settings" ADD CONSTRAINT "billing_settings_invoice_footer_length" CHECK (length("billing_settings"."invoice_footer") <= 1000);--> statement-breakpoint
UPDATE "vouchers" SET "voided_at" = now(), "void_reason" = 'voided before reasons were kept' WHERE "state" = 'void';--> statement-breakpoint
ALTER TABLE "vouchers" ADD CONSTRAINT "vouchers_void_complete" CHECK (("vouchers"."state" = 'void') = ("vouchers"."voided_at" is not null) and ("vouchers"."voided_at" is null) = ("vouchers"."void_reason" is null));