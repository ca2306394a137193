import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import type { Clock } from "../clock.ts";
import { randomToken } from "../crypto/tokens.ts";
import type { Database, Tx } from "../db/database.ts";
import { notFound } from "../http/errors.ts";
import { sniffLogo } from "../settings/logo.ts";
import type { Storage, StoredObject } from "../storage/storage.ts";
import { customerInUse, ID_PHOTO_MAX_BYTES, photoNotAnImage, photoTooLarge } from "./customers.errors.ts";
import {
  byId,
  type Cursor,
  type CustomerListRow,
  type CustomerPage,
  type CustomerUsage,
  countCustomers,
  customerUsage,
  inUse,
  searchCustomers,
} from "./customers.repository.ts";
import type { CustomerInput } from "./customers.schemas.ts";
import { customers } from "./customers.tables.ts";

export const CUSTOMER_PAGE_SIZE = 50;
// Export reads the whole search in pages this large, in one transaction (one snapshot).
const EXPORT_PAGE_SIZE = 1000;
// Well under PostgreSQL's 65,535 parameters per statement at ten columns a row.
const INSERT_BATCH = 1000;

export interface CustomersDeps {
  database: Database;
  clock: Clock;
  storage: Storage;
}

export type CustomerActor = Pick<Actor, "userId" | "tenantId">;

export interface Customer {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  idPhotoKey: string | null;
  tags: string[];
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const columns = {
  id: customers.id,
  name: customers.name,
  phone: customers.phoneE164,
  email: customers.email,
  address: customers.address,
  latitude: customers.latitude,
  longitude: customers.longitude,
  idPhotoKey: customers.idPhotoKey,
  tags: customers.tags,
  notes: customers.notes,
  createdAt: customers.createdAt,
  updatedAt: customers.updatedAt,
};

/** The fields a person edits, as stored; what the audit log records before and after. */
const editable = ["name", "phone", "email", "address", "latitude", "longitude", "tags", "notes"] as const;

const toRow = (input: CustomerInput) => ({
  name: input.name,
  phoneE164: input.phone,
  email: input.email,
  address: input.address,
  latitude: input.latitude,
  longitude: input.longitude,
  tags: input.tags,
  notes: input.notes,
});

const snapshot = (c: CustomerInput): Record<string, unknown> => Object.fromEntries(editable.map((k) => [k, c[k]]));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function lockCustomer(tx: Tx, tenantId: string, id: string): Promise<Customer> {
  const [row] = await tx.select(columns).from(customers).where(byId(tenantId, id)).for("update");
  if (!row) throw notFound("customer");
  return row;
}

export interface CustomerSearchInput {
  q: string;
  after?: Cursor;
  before?: Cursor;
}

/** One page of the list; the tenant's count of customers too when nothing is searched. */
export async function listCustomers(
  deps: Pick<CustomersDeps, "database">,
  actor: CustomerActor,
  search: CustomerSearchInput,
): Promise<CustomerPage & { total: number | null }> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const page = await searchCustomers(tx, actor.tenantId, { ...search, limit: CUSTOMER_PAGE_SIZE });
    const total = search.q.trim() === "" ? await countCustomers(tx, actor.tenantId) : null;
    return { ...page, total };
  });
}

/** Every customer the search finds, for the CSV export. */
export async function exportCustomers(
  deps: Pick<CustomersDeps, "database">,
  actor: CustomerActor,
  q: string,
): Promise<CustomerListRow[]> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const out: CustomerListRow[] = [];
    let after: Cursor | undefined;
    for (;;) {
      const page = await searchCustomers(tx, actor.tenantId, { q, after, limit: EXPORT_PAGE_SIZE });
      out.push(...page.rows);
      const last = page.rows.at(-1);
      if (!page.hasNext || !last) return out;
      after = { name: last.name, id: last.id };
    }
  });
}

/** A customer of the actor's tenant with what keeps them from being deleted, or null. */
export async function findCustomer(
  deps: Pick<CustomersDeps, "database">,
  actor: CustomerActor,
  id: string,
): Promise<{ customer: Customer; usage: CustomerUsage } | null> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const [customer] = await tx.select(columns).from(customers).where(byId(actor.tenantId, id));
    if (!customer) return null;
    return { customer, usage: await customerUsage(tx, actor.tenantId, id) };
  });
}

export async function createCustomer(
  deps: Pick<CustomersDeps, "database">,
  actor: CustomerActor,
  input: CustomerInput,
  meta: RequestMeta,
): Promise<string> {
  const id = crypto.randomUUID();
  await deps.database.withTenant(actor.tenantId, async (tx) => {
    await tx.insert(customers).values({ tenantId: actor.tenantId, id, ...toRow(input) });
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "customer.created",
      entityType: "customer",
      entityId: id,
      after: snapshot(input),
    });
  });
  return id;
}

/** Saves the form; the audit row names only the fields that changed, before and after. */
export async function updateCustomer(
  deps: Pick<CustomersDeps, "database" | "clock">,
  actor: CustomerActor,
  id: string,
  input: CustomerInput,
  meta: RequestMeta,
): Promise<{ changed: string[] }> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const before = await lockCustomer(tx, actor.tenantId, id);
    const changed = editable.filter((k) => !same(before[k], input[k]));
    if (changed.length === 0) return { changed };
    await tx
      .update(customers)
      .set({ ...toRow(input), updatedAt: deps.clock.now() })
      .where(byId(actor.tenantId, id));
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "customer.updated",
      entityType: "customer",
      entityId: id,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, input[k]])),
    });
    return { changed };
  });
}

/**
 * Deletes a customer who was never billed: one with subscriptions, invoices or payments keeps
 * their history (the ledger needs it), and the refusal says what is in the way.
 */
export async function deleteCustomer(
  deps: CustomersDeps,
  actor: CustomerActor,
  id: string,
  meta: RequestMeta,
): Promise<void> {
  const photoKey = await deps.database.withTenant(actor.tenantId, async (tx) => {
    const before = await lockCustomer(tx, actor.tenantId, id);
    const usage = await customerUsage(tx, actor.tenantId, id);
    if (inUse(usage)) throw customerInUse(usage);
    await tx.delete(customers).where(byId(actor.tenantId, id));
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "customer.deleted",
      entityType: "customer",
      entityId: id,
      before: { ...snapshot(before), idPhotoKey: before.idPhotoKey },
    });
    return before.idPhotoKey;
  });
  if (photoKey) await deps.storage.delete(photoKey).catch(() => {});
}

/**
 * Stores a new ID photo under a fresh random key, then points the customer at it; the old file
 * goes once the database no longer names it, and a failed transaction removes the new one.
 */
export async function replaceIdPhoto(
  deps: CustomersDeps,
  actor: CustomerActor,
  id: string,
  bytes: Uint8Array,
  meta: RequestMeta,
): Promise<void> {
  if (bytes.byteLength > ID_PHOTO_MAX_BYTES) throw photoTooLarge();
  const type = sniffLogo(bytes);
  if (!type) throw photoNotAnImage();
  // Nothing in the key says whose photo it is: the row does, and only the tenant reads the row.
  const key = `tenants/${actor.tenantId}/customers/${randomToken(16)}.${type.ext}`;
  await deps.storage.put(key, bytes, { contentType: type.contentType });
  let previous: string | null;
  try {
    previous = await setPhotoKey(deps, actor, id, key, meta, {
      contentType: type.contentType,
      bytes: bytes.byteLength,
    });
  } catch (error) {
    await deps.storage.delete(key).catch(() => {});
    throw error;
  }
  if (previous) await deps.storage.delete(previous).catch(() => {});
}

export async function removeIdPhoto(
  deps: CustomersDeps,
  actor: CustomerActor,
  id: string,
  meta: RequestMeta,
): Promise<void> {
  const previous = await setPhotoKey(deps, actor, id, null, meta, {});
  if (previous) await deps.storage.delete(previous).catch(() => {});
}

async function setPhotoKey(
  deps: Pick<CustomersDeps, "database" | "clock">,
  actor: CustomerActor,
  id: string,
  key: string | null,
  meta: RequestMeta,
  details: Record<string, unknown>,
): Promise<string | null> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const before = await lockCustomer(tx, actor.tenantId, id);
    if (before.idPhotoKey === key) return null;
    await tx.update(customers).set({ idPhotoKey: key, updatedAt: deps.clock.now() }).where(byId(actor.tenantId, id));
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "customer.photo_changed",
      entityType: "customer",
      entityId: id,
      before: { idPhotoKey: before.idPhotoKey },
      after: { idPhotoKey: key, ...details },
    });
    return before.idPhotoKey;
  });
}

/** The ID photo of a customer of the actor's tenant; null when there is none (or no such customer). */
export async function readIdPhoto(
  deps: Pick<CustomersDeps, "database" | "storage">,
  actor: CustomerActor,
  id: string,
): Promise<StoredObject | null> {
  const [row] = await deps.database.withTenant(actor.tenantId, (tx) =>
    tx.select({ key: customers.idPhotoKey }).from(customers).where(byId(actor.tenantId, id)),
  );
  return row?.key ? deps.storage.get(row.key) : null;
}

/** Writes every row of a checked import in one transaction, with one audit row for all of them. */
export async function importCustomers(
  deps: Pick<CustomersDeps, "database">,
  actor: CustomerActor,
  rows: readonly CustomerInput[],
  meta: RequestMeta,
  fileName?: string,
): Promise<number> {
  await deps.database.withTenant(actor.tenantId, async (tx) => {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH);
      await tx
        .insert(customers)
        .values(batch.map((r) => ({ tenantId: actor.tenantId, id: crypto.randomUUID(), ...toRow(r) })));
    }
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "customers.imported",
      entityType: "customer",
      after: { count: rows.length, ...(fileName ? { file: fileName } : {}) },
    });
  });
  return rows.length;
}
