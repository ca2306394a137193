import { and, eq } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import { randomChars } from "../billing/vouchers.models.ts";
import type { Clock } from "../clock.ts";
import { tenantSecretBox } from "../crypto/tenant-keys.ts";
import type { Database, Tx } from "../db/database.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { notFound } from "../http/errors.ts";
import type { TenantRef } from "../invoices/billing-run.usecases.ts";
import type { Sealing } from "../notifications/outbox.ts";
import { recordSubscriberChange, recordSubscriberLeftSite } from "../sites/site-changes.ts";
import { PPPOE_BOX_PURPOSE, pppoePasswordAad } from "./pppoe-password.ts";
import { applyTransition, type TransitionOutcome } from "./subscription-lifecycle.ts";
import {
  billingDayLocked,
  macTaken,
  staticIpTaken,
  unknownCustomer,
  unknownPlan,
  unknownSite,
  usernameTaken,
} from "./subscriptions.errors.ts";
import { customerOf, lockSubscription, offeredPlan, siteOf } from "./subscriptions.repository.ts";
import type { AccessInput, CreateSubscriptionInput, UpdateSubscriptionInput } from "./subscriptions.schemas.ts";
import { subscriptions } from "./subscriptions.tables.ts";

export interface SubscriptionsDeps {
  database: Database;
  clock: Clock;
  secretBox: Sealing["secretBox"];
}

// Typed into a CPE's web form, often on a phone: no look-alike characters.
const PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/** 12 characters of 55: about 69 bits, enough for a line that answers RADIUS all day. */
function generatePppoePassword(): string {
  return randomChars(12, PASSWORD_ALPHABET);
}

export const tenantOf = (actor: Actor): TenantRef => ({
  id: actor.tenantId,
  timeZone: actor.timeZone,
  currency: actor.currency,
  locale: actor.locale,
});

const sealing = (deps: SubscriptionsDeps): Sealing => ({ secretBox: deps.secretBox });

/**
 * The access columns of an input, the PPPoE password sealed under the tenant's key: the one
 * typed, else the one already stored (`keepSealed`), else a generated one.
 */
async function accessColumns(
  tx: Tx,
  deps: SubscriptionsDeps,
  tenantId: string,
  id: string,
  input: AccessInput,
  keepSealed: string | null = null,
) {
  const none = { pppoeUsername: null, pppoePasswordSealed: null, staticIp: null, mac: null };
  if (input.access === "static") return { ...none, access: "static" as const, staticIp: input.staticIp };
  if (input.access === "mac") return { ...none, access: "mac" as const, mac: input.mac };
  let sealed = input.pppoePassword === null ? keepSealed : null;
  if (!sealed) {
    const box = await tenantSecretBox(tx, sealing(deps), tenantId, PPPOE_BOX_PURPOSE);
    sealed = box.seal(input.pppoePassword ?? generatePppoePassword(), pppoePasswordAad(id));
  }
  return { ...none, access: "pppoe" as const, pppoeUsername: input.pppoeUsername, pppoePasswordSealed: sealed };
}

/** The unique keys of access, as the field a person must change. */
function accessConflict(error: unknown): Error | null {
  if (isUniqueViolation(error, "subscriptions_pppoe_username_unique")) return usernameTaken();
  if (isUniqueViolation(error, "subscriptions_static_ip_unique")) return staticIpTaken();
  if (isUniqueViolation(error, "subscriptions_mac_unique")) return macTaken();
  return null;
}

/**
 * A new subscription of one of the tenant's customers to an offered plan at one of its sites;
 * activated at once when asked (first invoice and site change included), else pending.
 */
export async function createSubscription(
  deps: SubscriptionsDeps,
  actor: Actor,
  input: CreateSubscriptionInput,
  meta: RequestMeta,
): Promise<{ id: string; outcome: TransitionOutcome | null }> {
  const id = crypto.randomUUID();
  const now = deps.clock.now();
  try {
    return await deps.database.withTenant(actor.tenantId, async (tx) => {
      if (!(await customerOf(tx, actor.tenantId, input.customerId))) throw unknownCustomer();
      const plan = await offeredPlan(tx, actor.tenantId, input.planId);
      if (!plan) throw unknownPlan();
      if (!(await siteOf(tx, actor.tenantId, input.siteId))) throw unknownSite();
      const access = await accessColumns(tx, deps, actor.tenantId, id, input.accessInput);
      const [sub] = await tx
        .insert(subscriptions)
        .values({
          tenantId: actor.tenantId,
          id,
          customerId: input.customerId,
          planId: plan.id,
          siteId: input.siteId,
          billingDay: input.billingDay,
          monthlyDiscount: input.monthlyDiscount,
          ...access,
        })
        .returning();
      if (!sub) throw new Error("subscription insert returned nothing");
      await audit(tx, meta, {
        tenantId: actor.tenantId,
        actorUserId: actor.userId,
        action: "subscription.created",
        entityType: "subscription",
        entityId: id,
        after: {
          customerId: input.customerId,
          planId: plan.id,
          siteId: input.siteId,
          access: access.access,
          username: access.pppoeUsername,
          staticIp: access.staticIp,
          mac: access.mac,
          billingDay: input.billingDay,
          monthlyDiscount: input.monthlyDiscount,
        },
      });
      const outcome = input.activate
        ? await applyTransition(
            tx,
            { sealing: sealing(deps) },
            tenantOf(actor),
            { sub, plan },
            "activate",
            { by: "staff", userId: actor.userId },
            now,
            meta,
          )
        : null;
      return { id, outcome };
    });
  } catch (error) {
    throw accessConflict(error) ?? error;
  }
}

/**
 * Site, access and discount. A change the network must follow (site, access) is sent to the
 * site when the subscriber is on it. The billing day is fixed once the subscription was
 * activated: moving it would make the billed cycles overlap.
 */
export async function updateSubscription(
  deps: SubscriptionsDeps,
  actor: Actor,
  id: string,
  input: UpdateSubscriptionInput,
  meta: RequestMeta,
): Promise<void> {
  try {
    await deps.database.withTenant(actor.tenantId, async (tx) => {
      const locked = await lockSubscription(tx, actor.tenantId, id);
      if (!locked || locked.sub.status === "terminated") throw notFound("subscription");
      const { sub } = locked;
      if (input.billingDay !== sub.billingDay && sub.status !== "pending") throw billingDayLocked();
      if (!(await siteOf(tx, actor.tenantId, input.siteId))) throw unknownSite();
      const a = input.accessInput;
      const access = await accessColumns(tx, deps, actor.tenantId, id, a, sub.pppoePasswordSealed);
      const passwordChanged = access.pppoePasswordSealed !== sub.pppoePasswordSealed;
      const before = {
        siteId: sub.siteId,
        access: sub.access,
        username: sub.pppoeUsername,
        staticIp: sub.staticIp,
        mac: sub.mac,
        billingDay: sub.billingDay,
        monthlyDiscount: sub.monthlyDiscount,
      };
      const after = {
        siteId: input.siteId,
        access: access.access,
        username: access.pppoeUsername,
        staticIp: access.staticIp,
        mac: access.mac,
        billingDay: input.billingDay,
        monthlyDiscount: input.monthlyDiscount,
      };
      const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
      if (changed.length === 0 && !passwordChanged) return;
      await tx
        .update(subscriptions)
        .set({
          siteId: input.siteId,
          billingDay: input.billingDay,
          monthlyDiscount: input.monthlyDiscount,
          ...access,
          updatedAt: deps.clock.now(),
        })
        .where(and(eq(subscriptions.tenantId, actor.tenantId), eq(subscriptions.id, id)));
      const networkChanged = passwordChanged || changed.some((k) => !["billingDay", "monthlyDiscount"].includes(k));
      if (networkChanged && (sub.status === "active" || sub.status === "isolated")) {
        if (sub.siteId !== input.siteId) await recordSubscriberLeftSite(tx, actor.tenantId, id, sub.siteId);
        await recordSubscriberChange(tx, actor.tenantId, id, "access_changed");
      }
      await audit(tx, meta, {
        tenantId: actor.tenantId,
        actorUserId: actor.userId,
        action: "subscription.updated",
        entityType: "subscription",
        entityId: id,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: {
          ...Object.fromEntries(changed.map((k) => [k, after[k]])),
          ...(passwordChanged ? { pppoePasswordChanged: true } : {}),
        },
      });
    });
  } catch (error) {
    throw accessConflict(error) ?? error;
  }
}

/** A state change asked for by a person (activate, isolate, restore, suspend, resume, terminate). */
export async function transitionSubscription(
  deps: SubscriptionsDeps,
  actor: Actor,
  id: string,
  event: Parameters<typeof applyTransition>[4],
  meta: RequestMeta,
): Promise<TransitionOutcome> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const locked = await lockSubscription(tx, actor.tenantId, id);
    if (!locked) throw notFound("subscription");
    return applyTransition(
      tx,
      { sealing: sealing(deps) },
      tenantOf(actor),
      locked,
      event,
      { by: "staff", userId: actor.userId },
      deps.clock.now(),
      meta,
    );
  });
}

/** The PPPoE password in the clear, for the technician configuring the CPE; every look is audited. */
export async function revealPassword(
  deps: SubscriptionsDeps,
  actor: Actor,
  id: string,
  meta: RequestMeta,
): Promise<string> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const locked = await lockSubscription(tx, actor.tenantId, id);
    if (!locked?.sub.pppoePasswordSealed) throw notFound("subscription");
    const box = await tenantSecretBox(tx, sealing(deps), actor.tenantId, PPPOE_BOX_PURPOSE);
    const password = box.open(locked.sub.pppoePasswordSealed, pppoePasswordAad(id));
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "subscription.password_revealed",
      entityType: "subscription",
      entityId: id,
    });
    return password;
  });
}
