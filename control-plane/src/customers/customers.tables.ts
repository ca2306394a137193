import { sql } from "drizzle-orm";
import { check, doublePrecision, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantIdColumn, updatedAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";

/** A person or business that an ISP bills; may hold several subscriptions. */
export const customers = pgTable(
  "customers",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    name: text("name").notNull(),
    /** E.164 (`+6281234567890`); the forms accept 08…, 62… and +62… and normalize. */
    phoneE164: text("phone_e164"),
    /** Stored lower-cased. */
    email: text("email"),
    address: text("address"),
    /** A map point (WGS 84): both or neither. */
    latitude: doublePrecision("latitude"),
    longitude: doublePrecision("longitude"),
    /** Storage key of the ID photo (storage interface), never the image itself. */
    idPhotoKey: text("id_photo_key"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    notes: text("notes"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("customers_tenant_name_idx").on(t.tenantId, t.name),
    // Phone search is by prefix, with the leakproof pattern operators (ADR 0006).
    index("customers_phone_prefix_idx").on(t.tenantId, t.phoneE164.op("text_pattern_ops")),
    tenantIsolation(t.tenantId),
    check("customers_name_present", sql`btrim(${t.name}) <> ''`),
    check("customers_phone_e164", sql`${t.phoneE164} ~ '^\\+[1-9][0-9]{7,14}$'`),
    check("customers_email_format", sql`${t.email} = lower(${t.email}) and ${t.email} ~ '^[^@\\s]+@[^@\\s]+$'`),
    check("customers_point_complete", sql`num_nulls(${t.latitude}, ${t.longitude}) in (0, 2)`),
    check(
      "customers_point_range",
      sql`${t.latitude} is null or (${t.latitude} between -90 and 90 and ${t.longitude} between -180 and 180)`,
    ),
    check("customers_tags_no_nulls", sql`array_position(${t.tags}, null) is null`),
  ],
).enableRLS();
