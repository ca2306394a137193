-- Hand-written: trigram indexes for search by any part of a name, phone or PPPoE username
-- (customers, subscriptions; migration 0006). pg_trgm is a trusted extension, so the owner
-- may create it without being a superuser; PGlite loads it in openPglite (database.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
