import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

// People are global: one login may belong to several tenants (memberships), so these
// tables carry no tenant_id and are declared in GLOBAL_TABLES with the reason.

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey(),
    /** Stored lower-cased; the unique key. */
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    /** E.164. */
    phone: text("phone"),
    /** argon2id, PHC string. */
    passwordHash: text("password_hash").notNull(),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    /** A separate area, not a tenant role; granted only by the CLI. */
    platformOperator: boolean("platform_operator").notNull().default(false),
    /** AES-256-GCM sealed TOTP key, bound to the user id; null until enabled. */
    totpKeySealed: text("totp_key_sealed"),
    totpEnabledAt: timestamp("totp_enabled_at", { withTimezone: true }),
    /** The last accepted TOTP time step, so a code cannot be replayed. */
    totpLastStep: integer("totp_last_step"),
    preferredLocale: text("preferred_locale", { enum: ["id", "en"] }),
    passwordChangedAt: timestamp("password_changed_at", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("users_email_lower", sql`${t.email} = lower(${t.email})`),
    check("users_status_valid", sql`${t.status} in ('active', 'disabled')`),
  ],
);

/** One-time recovery codes for two-factor sign-in; only their SHA-256 is kept. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("recovery_codes_user_idx").on(t.userId)],
);

/** Password-reset tokens: only the SHA-256 of the secret; 1 h; single use. */
export const passwordResets = pgTable("password_resets", {
  id: uuid("id").primaryKey(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  secretHash: text("secret_hash").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
