import { sql } from "drizzle-orm";
import { boolean, check, index, pgPolicy, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "../accounts/accounts.tables.ts";
import { currentUserId, platformRead, tenantIsolation } from "../db/tenancy.ts";

export const roles = ["owner", "admin", "technician", "collector", "viewer"] as const;
export type Role = (typeof roles)[number];

/** An ISP using Kilusi. Visible to its own tenant, to its members (the picker) and the platform. */
export const tenants = pgTable(
  "tenants",
  {
    id: uuid("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    status: text("status", { enum: ["active", "suspended"] })
      .notNull()
      .default("active"),
    currency: text("currency").notNull().default("IDR"),
    timeZone: text("time_zone").notNull().default("Asia/Jakarta"),
    locale: text("locale", { enum: ["id", "en"] })
      .notNull()
      .default("id"),
    require2fa: boolean("require_2fa").notNull().default(false),
    logoKey: text("logo_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantIsolation(t.id),
    pgPolicy("member_read", {
      as: "permissive",
      for: "select",
      using: sql`${t.id} in (select m.tenant_id from memberships m where m.user_id = ${currentUserId})`,
    }),
    platformRead(),
    check("tenants_slug_format", sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$'`),
    check("tenants_status_valid", sql`${t.status} in ('active', 'suspended')`),
    check("tenants_currency_format", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check("tenants_locale_valid", sql`${t.locale} in ('id', 'en')`),
  ],
).enableRLS();

/** A person's place in a tenant. A person may belong to several tenants. */
export const memberships = pgTable(
  "memberships",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: roles }).notNull(),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    index("memberships_user_idx").on(t.userId),
    tenantIsolation(t.tenantId),
    pgPolicy("own_memberships", { as: "permissive", for: "select", using: sql`${t.userId} = ${currentUserId}` }),
    platformRead(),
    check("memberships_role_valid", sql`${t.role} in ('owner', 'admin', 'technician', 'collector', 'viewer')`),
    check("memberships_status_valid", sql`${t.status} in ('active', 'disabled')`),
  ],
).enableRLS();

/** An invitation by link: only the SHA-256 of its secret is kept; 72 h; single use. */
export const invitations = pgTable(
  "invitations",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull(),
    email: text("email").notNull(),
    role: text("role", { enum: roles }).notNull(),
    secretHash: text("secret_hash").notNull(),
    invitedBy: uuid("invited_by").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedBy: uuid("accepted_by"),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantIsolation(t.tenantId),
    check("invitations_role_valid", sql`${t.role} in ('admin', 'technician', 'collector', 'viewer')`),
  ],
).enableRLS();
