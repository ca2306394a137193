import type { RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import type { Clock } from "../clock.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import { parseCustomer } from "../customers/customers.schemas.ts";
import { createCustomer } from "../customers/customers.usecases.ts";
import type { Database } from "../db/database.ts";
import { customerBalanceOf } from "../payments/ledger.repository.ts";
import { recordPayment } from "../payments/payments.usecases.ts";
import type { PlanInput } from "../plans/plans.schemas.ts";
import { createPlan } from "../plans/plans.usecases.ts";
import { sitesOf } from "../subscriptions/subscriptions.repository.ts";
import { createSubscription } from "../subscriptions/subscriptions.usecases.ts";

const plan = (values: Partial<PlanInput> & Pick<PlanInput, "name" | "price">): PlanInput => ({
  type: "pppoe",
  cycle: "monthly",
  validityHours: null,
  validityDays: null,
  downloadKbps: 10_000,
  uploadKbps: 5_000,
  burstDownloadKbps: null,
  burstUploadKbps: null,
  burstThresholdDownloadKbps: null,
  burstThresholdUploadKbps: null,
  burstTimeSeconds: null,
  addressPool: "pool-pelanggan",
  profileName: null,
  quotaBytes: null,
  taxRateBp: 1100,
  taxInclusive: true,
  installationFee: 0,
  ...values,
});

// Subscribers of the demo: name, phone, the plan they take, a username, and what they paid.
const PEOPLE = [
  ["Budi Santoso", "0812 3456 7890", 0, "budi", "full"],
  ["Siti Rahayu", "0813 2222 3333", 1, "siti", "full"],
  ["Agus Wibowo", "0857 1234 0000", 0, "agus", "part"],
  ["Dewi Lestari", "0878 5555 1212", 2, "dewi", "none"],
  ["Made Wirawan", "0819 8888 7777", 1, "made", "full"],
  ["Rina Kusuma", "0821 4444 9090", 0, "rina", "none"],
] as const;

/**
 * What the demo ISP starts with, made through the same use-cases as a person's clicks (and so
 * audited): three plans and a hotspot plan, six subscribers activated today with their first
 * invoices, and some payments, so the dashboard, the invoices and the collector's day have
 * something to show. The first monthly run then bills them like anyone else.
 */
export async function seedDemoBilling(
  deps: { database: Database; clock: Clock; secretBox: (purpose: string) => SecretBox },
  owner: Pick<Actor, "userId" | "tenantId">,
  meta: RequestMeta,
): Promise<void> {
  const actor: Actor = { ...owner, role: "owner", timeZone: "Asia/Jakarta", currency: "IDR", locale: "id" };
  const plans = [
    await createPlan(deps, actor, plan({ name: "Rumah 10 Mbps", price: 150_000, installationFee: 100_000 }), meta),
    await createPlan(
      deps,
      actor,
      plan({ name: "Rumah 20 Mbps", price: 200_000, downloadKbps: 20_000, uploadKbps: 10_000 }),
      meta,
    ),
    await createPlan(
      deps,
      actor,
      plan({ name: "Kantor 50 Mbps", price: 450_000, downloadKbps: 50_000, uploadKbps: 25_000 }),
      meta,
    ),
  ];
  await createPlan(
    deps,
    actor,
    plan({
      name: "Voucher 1 hari",
      type: "hotspot",
      cycle: "prepaid",
      price: 5_000,
      validityHours: 24,
      addressPool: null,
    }),
    meta,
  );
  const [site] = await deps.database.withTenant(actor.tenantId, (tx) => sitesOf(tx, actor.tenantId));
  if (!site) throw new Error("demo: the ISP has no site");
  for (const [name, phone, planIndex, username, paid] of PEOPLE) {
    const parsed = parseCustomer({ name, phone, address: "Desa Sukamaju, RT 03/RW 01" });
    if (!parsed.ok) throw new Error(`demo: customer ${name} does not parse`);
    const customerId = await createCustomer(deps, actor, parsed.value, meta);
    await createSubscription(
      deps,
      actor,
      {
        customerId,
        planId: plans[planIndex] as string,
        siteId: site.id,
        billingDay: 1,
        activate: true,
        monthlyDiscount: 0,
        accessInput: { access: "pppoe", pppoeUsername: username, pppoePassword: null },
      },
      meta,
    );
    if (paid === "none") continue;
    const balance = await deps.database.withTenant(actor.tenantId, (tx) =>
      customerBalanceOf(tx, actor.tenantId, customerId),
    );
    const amountMinor = paid === "full" ? balance : Math.floor(balance / 2);
    if (amountMinor <= 0) continue;
    await recordPayment(
      deps,
      actor,
      { customerId, invoiceId: null, amountMinor, method: "cash", reference: null, receivedAt: null },
      meta,
    );
  }
}
