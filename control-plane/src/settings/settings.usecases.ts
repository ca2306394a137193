import { eq, sql } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { randomToken } from "../crypto/tokens.ts";
import type { Database, Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { AppError, notFound } from "../http/errors.ts";
import type { Storage, StoredObject } from "../storage/storage.ts";
import { type Role, tenants } from "../tenants/tenants.tables.ts";
import { LOGO_MAX_BYTES, sniffLogo } from "./logo.ts";
import type { SettingsInput } from "./settings.schemas.ts";

export interface SettingsDeps {
  database: Database;
  clock: Clock;
  storage: Storage;
}

export interface SettingsActor {
  userId: string;
  tenantId: string;
  role: Role;
}

export interface TenantSettings {
  name: string;
  timeZone: string;
  currency: string;
  locale: "id" | "en";
  require2fa: boolean;
  logoKey: string | null;
}

const columns = {
  name: tenants.name,
  timeZone: tenants.timeZone,
  currency: tenants.currency,
  locale: tenants.locale,
  require2fa: tenants.require2fa,
  logoKey: tenants.logoKey,
};

export async function loadSettings(deps: Pick<SettingsDeps, "database">, tenantId: string): Promise<TenantSettings> {
  const [row] = await deps.database.withTenant(tenantId, (tx) =>
    tx.select(columns).from(tenants).where(eq(tenants.id, tenantId)),
  );
  if (!row) throw notFound("ISP");
  return row;
}

/** Saves the settings; only an owner changes whether two-factor is required of everyone. */
export async function updateSettings(
  deps: Pick<SettingsDeps, "database" | "clock">,
  actor: SettingsActor,
  input: SettingsInput,
  meta: RequestMeta,
): Promise<void> {
  await deps.database.withTenant(actor.tenantId, async (tx) => {
    const [before] = await tx.select(columns).from(tenants).where(eq(tenants.id, actor.tenantId)).for("update");
    if (!before) throw notFound("ISP");
    const next = {
      name: input.name,
      timeZone: input.timeZone,
      currency: input.currency,
      locale: input.locale,
      require2fa: actor.role === "owner" ? input.require2fa : before.require2fa,
    };
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== before[k]);
    if (changed.length === 0) return;
    if (changed.includes("currency") && (await moneyRecorded(tx))) throw currencyInUse();
    await tx
      .update(tenants)
      .set({ ...next, updatedAt: deps.clock.now() })
      .where(eq(tenants.id, actor.tenantId));
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "tenant.settings_changed",
      entityType: "tenant",
      entityId: actor.tenantId,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, next[k]])),
    });
  });
}

/**
 * Amounts are integers in the currency's minor unit (IDR has none, USD has cents): once any is
 * recorded, another currency would read every one of them wrongly.
 */
async function moneyRecorded(tx: Tx): Promise<boolean> {
  const rows = rowsOf<{ used: boolean }>(
    await tx.execute(sql`select exists (select 1 from plans) or exists (select 1 from invoices)
      or exists (select 1 from payments) or exists (select 1 from voucher_batches) as used`),
  );
  return rows[0]?.used === true;
}

export const currencyInUse = () =>
  new AppError("currency_in_use", 409, "The currency cannot change once amounts are recorded in it.", {
    field: "currency",
  });

export const logoTooLarge = () => new AppError("logo_too_large", 413, "The logo is larger than 512 KB.");
export const logoNotAnImage = () => new AppError("logo_type", 415, "The logo must be a PNG, JPEG or WebP image.");

/**
 * Stores a new logo under a fresh random key, then points the ISP at it; the old file goes
 * once the database no longer names it. A failed transaction removes the new file again.
 */
export async function replaceLogo(
  deps: SettingsDeps,
  actor: SettingsActor,
  bytes: Uint8Array,
  meta: RequestMeta,
): Promise<{ logoKey: string }> {
  if (bytes.byteLength > LOGO_MAX_BYTES) throw logoTooLarge();
  const type = sniffLogo(bytes);
  if (!type) throw logoNotAnImage();
  const key = `tenants/${actor.tenantId}/logo-${randomToken(10)}.${type.ext}`;
  await deps.storage.put(key, bytes, { contentType: type.contentType });
  let previous: string | null;
  try {
    previous = await deps.database.withTenant(actor.tenantId, async (tx) => {
      const [before] = await tx
        .select({ logoKey: tenants.logoKey })
        .from(tenants)
        .where(eq(tenants.id, actor.tenantId))
        .for("update");
      if (!before) throw notFound("ISP");
      await tx.update(tenants).set({ logoKey: key, updatedAt: deps.clock.now() }).where(eq(tenants.id, actor.tenantId));
      await audit(tx, meta, {
        tenantId: actor.tenantId,
        actorUserId: actor.userId,
        action: "tenant.logo_changed",
        entityType: "tenant",
        entityId: actor.tenantId,
        before: { logoKey: before.logoKey },
        after: { logoKey: key, contentType: type.contentType, bytes: bytes.byteLength },
      });
      return before.logoKey;
    });
  } catch (error) {
    await deps.storage.delete(key).catch(() => {});
    throw error;
  }
  if (previous) await deps.storage.delete(previous).catch(() => {});
  return { logoKey: key };
}

/** The ISP's logo for its own members; null when it has none. */
export async function readLogo(
  deps: Pick<SettingsDeps, "database" | "storage">,
  tenantId: string,
): Promise<StoredObject | null> {
  const { logoKey } = await loadSettings(deps, tenantId);
  return logoKey ? deps.storage.get(logoKey) : null;
}
