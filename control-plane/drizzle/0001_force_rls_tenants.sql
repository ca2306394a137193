-- Hand-written: drizzle cannot express FORCE. Without it the table owner (the role that runs
-- migrations) would bypass the tenant policy; with it only BYPASSRLS roles do, and the
-- application role is never one.
ALTER TABLE "tenants" FORCE ROW LEVEL SECURITY;
