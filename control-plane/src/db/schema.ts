// Every drizzle table of the control plane, for drizzle-kit and for typed queries.
export * from "../accounts/accounts.tables.ts";
export * from "../audit/audit.tables.ts";
export * from "../notifications/notifications.tables.ts";
export * from "../rate-limits/rate-limits.tables.ts";
export * from "../sessions/sessions.tables.ts";
export * from "../tenants/tenants.tables.ts";
