// Every drizzle table of the control plane, for drizzle-kit and for typed queries.
export * from "../accounts/accounts.tables.ts";
export * from "../audit/audit.tables.ts";
export * from "../billing/billing-settings.tables.ts";
export * from "../crypto/tenant-keys.tables.ts";
export * from "../customers/customer-search.tables.ts";
export * from "../customers/customers.tables.ts";
export * from "../invoices/invoices.tables.ts";
export * from "../notifications/notifications.tables.ts";
export * from "../payments/payments.tables.ts";
export * from "../plans/plans.tables.ts";
export * from "../rate-limits/rate-limits.tables.ts";
export * from "../sessions/sessions.tables.ts";
export * from "../sites/sites.tables.ts";
export * from "../subscriptions/subscriptions.tables.ts";
export * from "../tenants/tenants.tables.ts";
export * from "../vouchers/vouchers.tables.ts";
