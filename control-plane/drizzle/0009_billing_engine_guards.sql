-- Hand-written: FORCE for the new tenant tables (see 0001), the ledger's balance check moved
-- from a deferred per-row trigger to statement-level triggers (ADR 0004), and the new
-- tenant-to-tenant foreign keys made DEFERRABLE like the others (0007).
ALTER TABLE "tenant_data_keys" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invoice_reminders" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- The per-row check ran one lookup per entry at COMMIT: a billing run's transaction of 100k
-- receivable entries would have summed its 100k entries 100k times. Now every statement that
-- writes entries must leave each transaction it touched balanced, checked once per statement
-- over the transition table: the entries of one ledger transaction go in in one statement.
DROP TRIGGER "ledger_entries_balanced" ON "ledger_entries";--> statement-breakpoint
DROP FUNCTION "ledger_transaction_balanced"();--> statement-breakpoint
CREATE FUNCTION "ledger_statement_balanced"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  -- Invoker's rights: it sums what the writer may read (its own tenant under RLS); rows it
  -- cannot see sum to nothing, which is refused as well.
  SELECT w."transaction_id", (SELECT sum(e."amount") FROM "ledger_entries" e
                                WHERE e."tenant_id" = w."tenant_id" AND e."transaction_id" = w."transaction_id") AS total
    INTO bad
    FROM (SELECT DISTINCT n."tenant_id", n."transaction_id" FROM "written" n) w
   WHERE (SELECT sum(e."amount") FROM "ledger_entries" e
           WHERE e."tenant_id" = w."tenant_id" AND e."transaction_id" = w."transaction_id") IS DISTINCT FROM 0
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transaction % does not balance: its entries sum to %',
      bad."transaction_id", coalesce(bad.total::text, 'nothing visible')
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_balanced', TABLE = 'ledger_entries';
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "ledger_entries_balanced_insert" AFTER INSERT ON "ledger_entries"
  REFERENCING NEW TABLE AS "written" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_statement_balanced"();--> statement-breakpoint
-- The application role cannot update entries at all (migrations.ts); for the owner, an update
-- must leave balanced both the transactions entries left and those they moved to.
CREATE TRIGGER "ledger_entries_balanced_update_to" AFTER UPDATE ON "ledger_entries"
  REFERENCING NEW TABLE AS "written" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_statement_balanced"();--> statement-breakpoint
CREATE TRIGGER "ledger_entries_balanced_update_from" AFTER UPDATE ON "ledger_entries"
  REFERENCING OLD TABLE AS "written" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_statement_balanced"();--> statement-breakpoint

ALTER TABLE "ledger_entries" ALTER CONSTRAINT "ledger_entries_invoice_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "invoice_reminders" ALTER CONSTRAINT "invoice_reminders_invoice_fk" DEFERRABLE INITIALLY IMMEDIATE;
