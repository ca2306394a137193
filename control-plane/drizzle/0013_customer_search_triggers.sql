-- Hand-written: FORCE for customer_search_terms (see 0001), the triggers that keep it in step
-- with customers and subscriptions, and its backfill (ADR 0006). Terms are the lower-cased words
-- of a customer's name and of each PPPoE username (split at . _ @ -), and the whole username.
ALTER TABLE "customer_search_terms" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "customer_search_terms" ALTER CONSTRAINT "customer_search_terms_customer_fk" DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint

-- Invoker's rights: the writer's tenant transaction, under the writer's row-level security.
CREATE FUNCTION "customer_search_terms_refresh"(p_tenant uuid, p_customer uuid) RETURNS void LANGUAGE sql AS $$
  DELETE FROM "customer_search_terms" WHERE "tenant_id" = p_tenant AND "customer_id" = p_customer;
  INSERT INTO "customer_search_terms" ("tenant_id", "customer_id", "term")
  SELECT DISTINCT p_tenant, p_customer, w FROM (
    SELECT regexp_split_to_table(lower(c."name"), '[^[:alnum:]]+') AS w
      FROM "customers" c WHERE c."tenant_id" = p_tenant AND c."id" = p_customer
    UNION ALL
    SELECT regexp_split_to_table(lower(s."pppoe_username"), '[._@-]+')
      FROM "subscriptions" s
     WHERE s."tenant_id" = p_tenant AND s."customer_id" = p_customer AND s."pppoe_username" IS NOT NULL
    UNION ALL
    SELECT lower(s."pppoe_username")
      FROM "subscriptions" s
     WHERE s."tenant_id" = p_tenant AND s."customer_id" = p_customer AND s."pppoe_username" IS NOT NULL
  ) words
  WHERE w <> '' AND length(w) <= 100 AND EXISTS (
    SELECT 1 FROM "customers" c WHERE c."tenant_id" = p_tenant AND c."id" = p_customer);
$$;--> statement-breakpoint

CREATE FUNCTION "customers_search_terms_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "customer_search_terms_refresh"(NEW."tenant_id", NEW."id");
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "customers_search_terms" AFTER INSERT OR UPDATE OF "name" ON "customers"
  FOR EACH ROW EXECUTE FUNCTION "customers_search_terms_sync"();--> statement-breakpoint

CREATE FUNCTION "subscriptions_search_terms_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM "customer_search_terms_refresh"(OLD."tenant_id", OLD."customer_id"); END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW."customer_id" <> OLD."customer_id") THEN
    PERFORM "customer_search_terms_refresh"(NEW."tenant_id", NEW."customer_id");
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "subscriptions_search_terms" AFTER INSERT OR DELETE OR UPDATE OF "pppoe_username", "customer_id"
  ON "subscriptions" FOR EACH ROW EXECUTE FUNCTION "subscriptions_search_terms_sync"();--> statement-breakpoint

-- The customers there already. Row-level security is forced on the owner too: lifted for the
-- backfill only, which runs once, as the owner, across tenants.
ALTER TABLE "customers" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "subscriptions" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "customer_search_terms" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
SELECT "customer_search_terms_refresh"(c."tenant_id", c."id") FROM "customers" c;--> statement-breakpoint
ALTER TABLE "customers" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "subscriptions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "customer_search_terms" FORCE ROW LEVEL SECURITY;
