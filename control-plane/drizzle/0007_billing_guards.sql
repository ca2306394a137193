-- Hand-written: FORCE for the tenant tables of the billing migration (see 0001), and the
-- billing invariants that no check constraint can express. The application role's missing
-- UPDATE and DELETE grants (ledger, payments, invoices) are in provisionAppRole (migrations.ts):
-- the role is named by the configuration and provisioned after the migrations.
ALTER TABLE "sites" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "site_changes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "billing_settings" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "plans" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "customers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "subscriptions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invoice_counters" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invoices" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invoice_lines" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "payments" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ledger_transactions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ledger_entries" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "voucher_batches" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "vouchers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- Double entry: the entries of a ledger transaction sum to zero. Checked when the database
-- transaction commits (deferred), so the entries may be inserted in any order and statements.
-- A sum that cannot be seen (NULL: the rows are invisible under the tenant now set) is refused
-- as well. Invoker's rights: it reads what the writer may read.
CREATE FUNCTION "ledger_transaction_balanced"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total numeric;
BEGIN
  SELECT sum(e."amount") INTO total FROM "ledger_entries" e
   WHERE e."tenant_id" = NEW."tenant_id" AND e."transaction_id" = NEW."transaction_id";
  IF total IS DISTINCT FROM 0 THEN
    RAISE EXCEPTION 'ledger transaction % does not balance: its entries sum to %',
      NEW."transaction_id", coalesce(total::text, 'nothing visible')
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_balanced', TABLE = 'ledger_entries';
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "ledger_entries_balanced" AFTER INSERT OR UPDATE ON "ledger_entries"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger_transaction_balanced"();--> statement-breakpoint

-- A reversal mirrors the payment it reverses: same customer, method and amount, and a reversal
-- is not itself reversed (the unique key on reversal_of already allows one reversal only).
CREATE FUNCTION "payment_reversal_mirrors"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  original record;
BEGIN
  SELECT p."customer_id", p."method", p."amount", p."reversal_of" INTO original FROM "payments" p
   WHERE p."tenant_id" = NEW."tenant_id" AND p."id" = NEW."reversal_of";
  IF NOT FOUND THEN
    RETURN NEW; -- the foreign key reports a missing payment
  END IF;
  IF original."reversal_of" IS NOT NULL OR original."customer_id" <> NEW."customer_id"
     OR original."method" <> NEW."method" OR original."amount" <> NEW."amount" THEN
    RAISE EXCEPTION 'payment % reverses payment %, but does not mirror it (or reverses a reversal)',
      NEW."id", NEW."reversal_of"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_reversal_mirrors', TABLE = 'payments';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "payments_reversal_mirrors" BEFORE INSERT ON "payments"
  FOR EACH ROW WHEN (NEW."reversal_of" IS NOT NULL) EXECUTE FUNCTION "payment_reversal_mirrors"();--> statement-breakpoint

-- A void is final: its ledger reversal was posted with it, so an invoice cannot be un-voided
-- or voided again with another reason.
CREATE FUNCTION "invoice_void_final"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."voided_at" IS NOT NULL AND (NEW."voided_at" IS DISTINCT FROM OLD."voided_at"
     OR NEW."void_reason" IS DISTINCT FROM OLD."void_reason") THEN
    RAISE EXCEPTION 'invoice % is void; a void cannot be changed', OLD."id"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_void_final', TABLE = 'invoices';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "invoices_void_final" BEFORE UPDATE ON "invoices"
  FOR EACH ROW EXECUTE FUNCTION "invoice_void_final"();
--> statement-breakpoint

-- Foreign keys between tenant tables are DEFERRABLE (still checked at the end of each statement
-- unless a transaction defers them): the cross-tenant fuzz counts what a where-less DELETE of
-- tenant A's own rows would touch, in a transaction it rolls back, without A's child rows
-- stopping it first (tests/support/tenant-fuzz.ts). drizzle cannot declare it.
ALTER TABLE "subscriptions" ALTER CONSTRAINT "subscriptions_customer_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "subscriptions" ALTER CONSTRAINT "subscriptions_plan_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "subscriptions" ALTER CONSTRAINT "subscriptions_site_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "invoices" ALTER CONSTRAINT "invoices_subscription_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "invoices" ALTER CONSTRAINT "invoices_customer_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "payments" ALTER CONSTRAINT "payments_customer_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "payments" ALTER CONSTRAINT "payments_invoice_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "payments" ALTER CONSTRAINT "payments_reversal_of_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ALTER CONSTRAINT "ledger_transactions_invoice_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ALTER CONSTRAINT "ledger_transactions_payment_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER CONSTRAINT "ledger_entries_transaction_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER CONSTRAINT "ledger_entries_customer_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "voucher_batches" ALTER CONSTRAINT "voucher_batches_plan_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "voucher_batches" ALTER CONSTRAINT "voucher_batches_site_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "vouchers" ALTER CONSTRAINT "vouchers_batch_fk" DEFERRABLE INITIALLY IMMEDIATE;
