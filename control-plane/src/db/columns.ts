import { bigint, foreignKey, type PgColumn, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenants } from "../tenants/tenants.tables.ts";

// Column shapes every tenant table repeats (DESIGN §5), so that they cannot drift apart.

/** `tenant_id uuid not null`, gone with its tenant. */
export const tenantIdColumn = () =>
  uuid("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" });

/** Money: integer minor units of the tenant's currency, never a float. */
export const money = (name: string) => bigint(name, { mode: "number" });

export const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/**
 * A foreign key between two tenant tables always carries `tenant_id`: a row can only point at
 * a row of its own tenant, whatever the application gets wrong. Named, because the generated
 * names of composite keys pass PostgreSQL's 63-character limit.
 */
export function tenantReference(
  name: string,
  columns: [tenantId: PgColumn, id: PgColumn],
  target: { tenantId: PgColumn; id: PgColumn },
) {
  return foreignKey({ name, columns, foreignColumns: [target.tenantId, target.id] });
}
