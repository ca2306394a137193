// Every drizzle table of the control plane, for drizzle-kit and for typed queries.
export * from "../tenants/tenants.tables.ts";
