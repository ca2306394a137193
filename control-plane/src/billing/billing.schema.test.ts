import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import {
  databaseBackends,
  databaseError,
  openTestDatabase,
  openTestOwner,
  type TestDatabase,
  type TestOwner,
} from "../../../tests/support/database.ts";
import { customers } from "../customers/customers.tables.ts";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { takeInvoiceNumbers } from "../invoices/invoice-numbers.ts";
import { invoiceCounters, invoiceLines, invoices } from "../invoices/invoices.tables.ts";
import { plans } from "../plans/plans.tables.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { type BillingTenant, seedBillingTenant } from "./billing.testing.ts";

// The billing tables' invariants, held by the database: amounts and enumerations checked, unique
// keys per tenant, the billing run's idempotency key, invoices that can only be voided (once),
// and invoice numbers without gaps or duplicates however many billing runs take them at once.

type InvoiceRow = typeof invoices.$inferInsert;

const periodOf = (i: number) => `${2030 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;

for (const kind of await databaseBackends()) {
  describe(`billing tables in the database on ${kind}`, () => {
    let t: TestDatabase;
    let owner: TestOwner;
    let a: BillingTenant;
    let b: BillingTenant;
    beforeAll(async () => {
      t = await openTestDatabase(kind);
      owner = openTestOwner(t);
      a = await seedBillingTenant(t.database);
      b = await seedBillingTenant(t.database);
    });
    afterAll(async () => {
      await owner.close();
      await t.close();
    });

    const refused = (x: BillingTenant, work: (tx: Tx) => Promise<unknown>) =>
      databaseError(t.database.withTenant(x.tenantId, work));

    const invoice = (x: BillingTenant, seq: number, values: Partial<InvoiceRow> = {}): InvoiceRow => ({
      tenantId: x.tenantId,
      id: crypto.randomUUID(),
      number: `INV/2026/${String(seq).padStart(6, "0")}`,
      year: 2026,
      seq,
      subscriptionId: x.subscriptionId,
      customerId: x.customerId,
      period: "2026-01",
      issuedOn: "2026-01-01",
      dueOn: "2026-01-08",
      currency: "IDR",
      subtotal: 135_135,
      tax: 14_865,
      total: 150_000,
      ...values,
    });

    test("plans: price and fee never negative, validity only and exactly for prepaid", async () => {
      const plan = (values: Partial<typeof plans.$inferInsert>) => (tx: Tx) =>
        tx.insert(plans).values({
          tenantId: a.tenantId,
          id: crypto.randomUUID(),
          name: `Plan ${crypto.randomUUID()}`,
          type: "hotspot",
          price: 5_000,
          cycle: "prepaid",
          validityHours: 24,
          downloadKbps: 5_120,
          uploadKbps: 1_024,
          ...values,
        });
      expect(await refused(a, plan({ price: -1 }))).toMatch(/plans_price_not_negative/);
      expect(await refused(a, plan({ installationFee: -100 }))).toMatch(/plans_installation_fee_not_negative/);
      expect(await refused(a, plan({ validityHours: null }))).toMatch(/plans_validity_matches_cycle/);
      expect(await refused(a, plan({ validityDays: 30 }))).toMatch(/plans_validity_matches_cycle/);
      expect(await refused(a, plan({ cycle: "monthly" }))).toMatch(/plans_validity_matches_cycle/);
      expect(await refused(a, plan({ downloadKbps: 0 }))).toMatch(/plans_speed_positive/);
      expect(await refused(a, plan({ taxRateBp: 10_001 }))).toMatch(/plans_tax_rate_range/);
      expect(await refused(a, plan({ burstDownloadKbps: 10_240 }))).toMatch(/plans_burst_complete/);
      await t.database.withTenant(a.tenantId, plan({ cycle: "monthly", validityHours: null, price: 0 }));
    });

    test("plans: a name is taken once per tenant among plans in use, whatever its case", async () => {
      const plan = (x: BillingTenant, name: string) => ({
        tenantId: x.tenantId,
        id: crypto.randomUUID(),
        name,
        type: "pppoe" as const,
        price: 100_000,
        cycle: "monthly" as const,
        downloadKbps: 10_240,
        uploadKbps: 10_240,
      });
      const first = plan(a, "Rumahan 10");
      await t.database.withTenant(a.tenantId, (tx) => tx.insert(plans).values(first));
      expect(await refused(a, (tx) => tx.insert(plans).values(plan(a, "RUMAHAN 10")))).toMatch(/plans_name_unique/);
      await t.database.withTenant(b.tenantId, (tx) => tx.insert(plans).values(plan(b, "Rumahan 10")));
      await t.database.withTenant(a.tenantId, (tx) =>
        tx.update(plans).set({ archivedAt: new Date() }).where(eq(plans.id, first.id)),
      );
      await t.database.withTenant(a.tenantId, (tx) => tx.insert(plans).values(plan(a, "Rumahan 10")));
    });

    test("customers: phone in E.164, e-mail lower-cased, a map point whole", async () => {
      const customer = (values: Partial<typeof customers.$inferInsert>) => (tx: Tx) =>
        tx.insert(customers).values({ tenantId: a.tenantId, id: crypto.randomUUID(), name: "Siti", ...values });
      expect(await refused(a, customer({ phoneE164: "081234567890" }))).toMatch(/customers_phone_e164/);
      expect(await refused(a, customer({ phoneE164: "+62812" }))).toMatch(/customers_phone_e164/);
      expect(await refused(a, customer({ email: "Siti@Example.test" }))).toMatch(/customers_email_format/);
      expect(await refused(a, customer({ latitude: -6.2 }))).toMatch(/customers_point_complete/);
      expect(await refused(a, customer({ name: "  " }))).toMatch(/customers_name_present/);
      await t.database.withTenant(
        a.tenantId,
        customer({ phoneE164: "+6281298765432", latitude: -6.2, longitude: 106.8, tags: ["vip"] }),
      );
    });

    test("subscriptions: a PPPoE username once per tenant; another tenant may use it", async () => {
      const subscription = (x: BillingTenant, username: string) => ({
        tenantId: x.tenantId,
        id: crypto.randomUUID(),
        customerId: x.customerId,
        planId: x.planId,
        siteId: x.siteId,
        access: "pppoe" as const,
        pppoeUsername: username,
        pppoePasswordSealed: "sealed",
        billingDay: 5,
      });
      await t.database.withTenant(a.tenantId, (tx) => tx.insert(subscriptions).values(subscription(a, "andi")));
      expect(await refused(a, (tx) => tx.insert(subscriptions).values(subscription(a, "andi")))).toMatch(
        /subscriptions_pppoe_username_unique/,
      );
      await t.database.withTenant(b.tenantId, (tx) => tx.insert(subscriptions).values(subscription(b, "andi")));
      const bad = (values: Partial<typeof subscriptions.$inferInsert>) => (tx: Tx) =>
        tx.insert(subscriptions).values({ ...subscription(a, `u-${crypto.randomUUID()}`), ...values });
      expect(await refused(a, bad({ pppoePasswordSealed: null }))).toMatch(/subscriptions_access_complete/);
      expect(await refused(a, bad({ billingDay: 29 }))).toMatch(/subscriptions_billing_day_range/);
      expect(await refused(a, bad({ status: "active" }))).toMatch(/subscriptions_activated/);
      expect(await refused(a, bad({ pppoeUsername: "two words" }))).toMatch(/subscriptions_pppoe_username_format/);
      // Foreign keys carry tenant_id: tenant B's plan cannot be named, even by its id.
      expect(await refused(a, bad({ planId: b.planId }))).toMatch(/subscriptions_plan_fk/);
    });

    test("invoices: one per subscription and period; the billing run's insert is idempotent", async () => {
      const [seq] = await t.database.withTenant(a.tenantId, (tx) => takeInvoiceNumbers(tx, a.tenantId, 2026));
      const first = invoice(a, seq as number, { period: "2026-02" });
      await t.database.withTenant(a.tenantId, (tx) => tx.insert(invoices).values(first));
      expect(
        await refused(a, (tx) =>
          tx.insert(invoices).values(invoice(a, 9_000, { period: "2026-02", number: "INV/2026/009000" })),
        ),
      ).toMatch(/invoices_period_unique/);
      const again = await t.database.withTenant(a.tenantId, (tx) =>
        tx
          .insert(invoices)
          .values(invoice(a, 9_001, { period: "2026-02", number: "INV/2026/009001" }))
          .onConflictDoNothing({ target: [invoices.tenantId, invoices.subscriptionId, invoices.period] })
          .returning(),
      );
      expect(again).toEqual([]);
      // The same subscription id and period in another tenant is another invoice.
      await t.database.withTenant(b.tenantId, (tx) => tx.insert(invoices).values(invoice(b, 1, { period: "2026-02" })));
      expect(await refused(a, (tx) => tx.insert(invoices).values(invoice(a, 9_002, { period: "2026-13" })))).toMatch(
        /invoices_period_format/,
      );
      expect(
        await refused(a, (tx) => tx.insert(invoices).values(invoice(a, 9_003, { period: "2026-03", total: 1 }))),
      ).toMatch(/invoices_amounts_valid/);
      // A period's invoice is never negative; a one-off (no period) may be a credit note.
      const credit = { subtotal: -9_009, tax: -991, total: -10_000 };
      expect(
        await refused(a, (tx) => tx.insert(invoices).values(invoice(a, 9_004, { period: "2026-05", ...credit }))),
      ).toMatch(/invoices_amounts_valid/);
      await t.database.withTenant(a.tenantId, (tx) =>
        tx
          .insert(invoices)
          .values([
            invoice(a, 9_005, { period: null, number: "INV/2026/009005", ...credit }),
            invoice(a, 9_006, { period: null, number: "INV/2026/009006" }),
          ]),
      );
    });

    test("invoices: amounts cannot change and nothing is deleted; a void is once, with a reason", async () => {
      const inv = invoice(a, 9_100, { period: "2026-04", number: "INV/2026/009100" });
      await t.database.withTenant(a.tenantId, (tx) => tx.insert(invoices).values(inv));
      for (const statement of [
        sql`update invoices set total = 1, subtotal = 1, tax = 0 where id = ${inv.id}`,
        sql`update invoices set period = '2026-05' where id = ${inv.id}`,
        sql`delete from invoices where id = ${inv.id}`,
        sql`delete from invoice_lines where invoice_id = ${inv.id}`,
      ]) {
        expect(await refused(a, (tx) => tx.execute(statement))).toMatch(/permission denied/);
      }
      const voidIt =
        (reason: string | null, at: Date | null = new Date()) =>
        (tx: Tx) =>
          tx.update(invoices).set({ voidedAt: at, voidReason: reason }).where(eq(invoices.id, inv.id));
      expect(await refused(a, voidIt(null))).toMatch(/invoices_void_complete/);
      await t.database.withTenant(a.tenantId, voidIt("issued twice by mistake"));
      expect(await refused(a, voidIt("another reason"))).toMatch(/invoices_void_final|a void cannot be changed/);
      expect(await refused(a, voidIt(null, null))).toMatch(/a void cannot be changed/);
    });

    test("invoice lines: the model's identities hold (base is gross when inclusive, net when exclusive)", async () => {
      const inv = invoice(a, 9_200, { period: "2026-06", number: "INV/2026/009200" });
      await t.database.withTenant(a.tenantId, (tx) => tx.insert(invoices).values(inv));
      const line = (position: number, values: Partial<typeof invoiceLines.$inferInsert>) => (tx: Tx) =>
        tx.insert(invoiceLines).values({
          tenantId: a.tenantId,
          invoiceId: inv.id,
          position,
          kind: "plan",
          description: "Home 20 Mbps, June",
          unitPrice: 150_000,
          taxRateBp: 1100,
          taxInclusive: true,
          net: 135_135,
          tax: 14_865,
          gross: 150_000,
          ...values,
        });
      await t.database.withTenant(a.tenantId, line(1, {}));
      await t.database.withTenant(
        a.tenantId,
        line(2, { kind: "discount", unitPrice: -10_000, net: -9_009, tax: -991, gross: -10_000 }),
      );
      expect(await refused(a, line(3, { gross: 150_001 }))).toMatch(/invoice_lines_amounts_consistent/);
      expect(await refused(a, line(3, { taxInclusive: false }))).toMatch(/invoice_lines_amounts_consistent/);
      expect(await refused(a, line(3, { unitPrice: 149_999, discount: -1 }))).toMatch(
        /invoice_lines_discount_not_negative/,
      );
      expect(await refused(a, line(1, {}))).toMatch(/invoice_lines_pkey/);
    });

    test("invoice numbers: concurrent billing in one tenant and year gives 1..N, no gap, no duplicate", async () => {
      const x = await seedBillingTenant(t.database);
      const year = 2031;
      const jobs = 24;
      const outcomes = await Promise.allSettled(
        Array.from({ length: jobs }, (_, i) =>
          t.database.withTenant(x.tenantId, async (tx) => {
            const [seq] = await takeInvoiceNumbers(tx, x.tenantId, year);
            // Hold the counter's row lock a little, so the others queue behind it.
            await tx.execute(sql`select pg_sleep(${(i % 4) * 0.005})`);
            if (i % 5 === 2) throw new Error("this invoice is rolled back, and its number with it");
            await tx.insert(invoices).values(
              invoice(x, seq as number, {
                year,
                number: `INV/${year}/${String(seq).padStart(6, "0")}`,
                period: periodOf(i),
              }),
            );
            return seq as number;
          }),
        ),
      );
      const rolledBack = outcomes.filter((o) => o.status === "rejected");
      expect(rolledBack).toHaveLength(Array.from({ length: jobs }, (_, i) => i).filter((i) => i % 5 === 2).length);
      const committed = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
      const n = committed.length;
      expect([...committed].sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      const stored = await t.database.withTenant(x.tenantId, (tx) =>
        tx.select({ seq: invoices.seq }).from(invoices).where(eq(invoices.year, year)).orderBy(invoices.seq),
      );
      expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      const [counter] = await t.database.withTenant(x.tenantId, (tx) =>
        tx.select().from(invoiceCounters).where(eq(invoiceCounters.year, year)),
      );
      expect(counter?.lastSeq).toBe(n);
      // A billing run takes a block at once; the next single number follows it.
      const block = await t.database.withTenant(x.tenantId, (tx) => takeInvoiceNumbers(tx, x.tenantId, year, 3));
      expect(block).toEqual([n + 1, n + 2, n + 3]);
      expect(await refused(x, (tx) => tx.execute(sql`delete from invoice_counters`))).toMatch(/permission denied/);
    });

    test("customer search terms follow names and PPPoE usernames, and the app role's search can use their index", async () => {
      const x = await seedBillingTenant(t.database);
      const termsOf = () =>
        t.database.withTenant(x.tenantId, async (tx) =>
          rowsOf<{ term: string }>(
            await tx.execute(
              sql`select term from customer_search_terms where customer_id = ${x.customerId} order by term`,
            ),
          ).map((r) => r.term),
        );
      await t.database.withTenant(x.tenantId, async (tx) => {
        await tx.update(customers).set({ name: "Siti Nur-Haliza" }).where(eq(customers.id, x.customerId));
        await tx
          .update(subscriptions)
          .set({ pppoeUsername: "siti.nur@RT03" })
          .where(eq(subscriptions.id, x.subscriptionId));
      });
      expect(await termsOf()).toEqual(["haliza", "nur", "rt03", "siti", "siti.nur@rt03"]);
      await t.database.withTenant(x.tenantId, (tx) =>
        tx.delete(subscriptions).where(eq(subscriptions.id, x.subscriptionId)),
      );
      expect(await termsOf()).toEqual(["haliza", "nur", "siti"]);
      // Under row-level security only leakproof operators may use an index: the pattern
      // comparisons are, LIKE and pg_trgm's are not (ADR 0006). With sequential scans off,
      // an index scan in the plan shows the index is usable by the application role.
      const plan = await t.database.withTenant(x.tenantId, async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        return rowsOf<Record<string, string>>(
          await tx.execute(sql`explain select customer_id from customer_search_terms
            where tenant_id = ${x.tenantId}::uuid and term ~>=~ 'sit' and term ~<~ 'siu'`),
        )
          .map((r) => Object.values(r)[0])
          .join("\n");
      });
      expect(plan).toContain("customer_search_terms_term_idx");
    });

    test("deleting a tenant (the owner's path) takes every billing row with it", async () => {
      const x = await seedBillingTenant(t.database);
      await t.database.withTenant(x.tenantId, async (tx) => {
        const [seq] = await takeInvoiceNumbers(tx, x.tenantId, 2026);
        const inv = invoice(x, seq as number);
        await tx.insert(invoices).values(inv);
        await tx.execute(sql`insert into payments (tenant_id, id, customer_id, invoice_id, method, amount, received_at)
          values (${x.tenantId}, ${crypto.randomUUID()}, ${x.customerId}, ${inv.id}, 'cash', 150000, now())`);
        await tx.execute(sql`insert into billing_settings (tenant_id) values (${x.tenantId})`);
        await tx.execute(sql`insert into site_changes (tenant_id, site_id, kind, op, entity_id)
          values (${x.tenantId}, ${x.siteId}, 'subscriber', 'delete', ${x.subscriptionId})`);
      });
      const tables = (await owner.query(`select table_name as t from information_schema.columns
        where table_schema = 'public' and column_name = 'tenant_id'`)) as { t: string }[];
      const left = async () => {
        let n = 0;
        for (const { t: table } of tables) {
          const [row] = await owner.query(
            `select count(*)::int as n from "${table}" where tenant_id = '${x.tenantId}'`,
          );
          n += row?.n as number;
        }
        return n;
      };
      expect(await left()).toBeGreaterThan(5);
      await owner.query(`delete from tenants where id = '${x.tenantId}'`);
      expect(await left()).toBe(0);
    });
  });
}
