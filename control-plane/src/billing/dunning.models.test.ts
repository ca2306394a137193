import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { addDays } from "../time/zoned.ts";
import {
  DEFAULT_DUNNING_POLICY,
  type DunningAction,
  type DunningInput,
  type DunningInvoice,
  type DunningPolicy,
  dunningActions,
  validatePolicy,
} from "./dunning.models.ts";
import type { SubscriptionState } from "./subscription.models.ts";

const policy: DunningPolicy = { reminderOffsets: [-3, 0, 1], graceDays: 2, isolateAfterDays: 5 };
const invoice = (overrides: Partial<DunningInvoice> = {}): DunningInvoice => ({
  invoiceId: "inv-1",
  dueDate: "2026-02-10",
  amountOpenMinor: 150_000,
  remindersSent: [],
  ...overrides,
});
const input = (overrides: Partial<DunningInput> = {}): DunningInput => ({
  policy,
  today: "2026-02-10",
  state: "active",
  isolatedByDunning: false,
  keepActiveUntil: null,
  invoices: [invoice()],
  ...overrides,
});

/** What the job records after acting: reminders marked sent, the state changed. */
function record(state: DunningInput, actions: DunningAction[]): DunningInput {
  let next = { ...state };
  for (const action of actions) {
    if (action.kind === "remind") {
      next = {
        ...next,
        invoices: next.invoices.map((i) =>
          i.invoiceId === action.invoiceId ? { ...i, remindersSent: [...i.remindersSent, action.offset] } : i,
        ),
      };
    } else if (action.kind === "isolate") {
      next = { ...next, state: "isolated", isolatedByDunning: true };
    } else {
      next = { ...next, state: "active", isolatedByDunning: false };
    }
  }
  return next;
}

describe("policy", () => {
  test.each([
    [{ reminderOffsets: [1, -3, 0, 0] }, { ok: true, policy: { ...policy, reminderOffsets: [-3, 0, 1] } }],
    [{ isolateAfterDays: null }, { ok: true, policy: { ...policy, isolateAfterDays: null } }],
    [{ reminderOffsets: [-31] }, { ok: false, code: "dunning.reminder-offsets" }],
    [{ reminderOffsets: [0.5] }, { ok: false, code: "dunning.reminder-offsets" }],
    [{ reminderOffsets: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, { ok: false, code: "dunning.reminder-offsets" }],
    [{ graceDays: -1 }, { ok: false, code: "dunning.grace-days" }],
    [{ isolateAfterDays: 91 }, { ok: false, code: "dunning.isolate-after-days" }],
    [{ isolateAfterDays: 2 }, { ok: false, code: "dunning.isolate-within-grace" }],
  ] as const)("%o → %o", (overrides, expected) => {
    expect(validatePolicy({ ...policy, ...(overrides as Partial<DunningPolicy>) })).toEqual(expected as never);
  });

  test("the default policy is valid", () => {
    expect(validatePolicy(DEFAULT_DUNNING_POLICY).ok).toBe(true);
  });
});

describe("actions on a day", () => {
  test.each([
    ["2026-02-06", "active", [], []],
    ["2026-02-07", "active", [], [{ kind: "remind", invoiceId: "inv-1", offset: -3 }]],
    ["2026-02-07", "active", [-3], []],
    ["2026-02-10", "active", [-3], [{ kind: "remind", invoiceId: "inv-1", offset: 0 }]],
    // The job was down from the 7th: only the latest reminder goes out.
    ["2026-02-11", "active", [], [{ kind: "remind", invoiceId: "inv-1", offset: 1 }]],
    ["2026-02-12", "active", [-3, 0, 1], []],
    ["2026-02-14", "active", [-3, 0, 1], []],
    ["2026-02-15", "active", [-3, 0, 1], [{ kind: "isolate", invoiceIds: ["inv-1"] }]],
    ["2026-03-01", "active", [-3, 0, 1], [{ kind: "isolate", invoiceIds: ["inv-1"] }]],
    ["2026-02-15", "isolated", [-3, 0, 1], []],
    ["2026-02-15", "suspended", [-3, 0, 1], []],
    ["2026-02-15", "terminated", [], []],
  ] as const)("on %s, %s, reminders sent %o → %o", (today, state, sent, expected) => {
    const result = dunningActions(
      input({ today, state: state as SubscriptionState, invoices: [invoice({ remindersSent: [...sent] })] }),
    );
    expect(result).toEqual(expected as unknown as DunningAction[]);
  });

  test("an override holds isolation off through its last day, not reminders", () => {
    const held = input({ today: "2026-02-20", keepActiveUntil: "2026-02-20", invoices: [invoice()] });
    expect(dunningActions(held)).toEqual([{ kind: "remind", invoiceId: "inv-1", offset: 1 }]);
    expect(dunningActions({ ...held, today: "2026-02-21" })).toContainEqual({ kind: "isolate", invoiceIds: ["inv-1"] });
  });

  test("restore on full payment, only when dunning isolated it and nothing else is overdue", () => {
    const isolated = input({ today: "2026-02-20", state: "isolated", isolatedByDunning: true });
    const paid = invoice({ amountOpenMinor: 0, remindersSent: [-3, 0, 1] });
    expect(dunningActions({ ...isolated, invoices: [paid] })).toEqual([{ kind: "restore" }]);
    expect(dunningActions({ ...isolated, isolatedByDunning: false, invoices: [paid] })).toEqual([]);
    // Partly paid: still isolated.
    expect(dunningActions({ ...isolated, invoices: [{ ...paid, amountOpenMinor: 1 }] })).toEqual([]);
    // The next invoice is open but still in its grace: restore.
    const next = invoice({ invoiceId: "inv-2", dueDate: "2026-02-19", remindersSent: [1] });
    expect(dunningActions({ ...isolated, invoices: [paid, next] })).toEqual([{ kind: "restore" }]);
    // And once it is past grace: not.
    expect(dunningActions({ ...isolated, invoices: [paid, { ...next, dueDate: "2026-02-17" }] })).toEqual([]);
  });

  test("no isolation when the policy has none", () => {
    const result = dunningActions(input({ today: "2026-05-01", policy: { ...policy, isolateAfterDays: null } }));
    expect(result).toEqual([{ kind: "remind", invoiceId: "inv-1", offset: 1 }]);
  });

  test("a month of daily runs: each reminder once, one isolation, one restore after payment", () => {
    let state = input({ invoices: [invoice()] });
    const log: string[] = [];
    for (let day = 0; day < 28; day++) {
      state = { ...state, today: addDays("2026-02-01", day) };
      if (state.today === "2026-02-18") {
        state = { ...state, invoices: state.invoices.map((i) => ({ ...i, amountOpenMinor: 0 })) };
      }
      for (let run = 0; run < 2; run++) {
        const actions = dunningActions(state);
        if (run === 1) expect(actions).toEqual([]);
        for (const a of actions) log.push(`${state.today} ${a.kind}${a.kind === "remind" ? ` ${a.offset}` : ""}`);
        state = record(state, actions);
      }
    }
    expect(log).toEqual([
      "2026-02-07 remind -3",
      "2026-02-10 remind 0",
      "2026-02-11 remind 1",
      "2026-02-15 isolate",
      "2026-02-18 restore",
    ]);
  });
});

const day = fc.integer({ min: -40, max: 120 }).map((n) => addDays("2026-01-01", n));
const arbitraryPolicy = fc
  .record({
    reminderOffsets: fc.uniqueArray(fc.integer({ min: -10, max: 20 }), { maxLength: 5 }),
    graceDays: fc.integer({ min: 0, max: 10 }),
    extra: fc.option(fc.integer({ min: 1, max: 20 })),
  })
  .map(({ reminderOffsets, graceDays, extra }) => ({
    reminderOffsets,
    graceDays,
    isolateAfterDays: extra === null ? null : graceDays + extra,
  }));
const arbitraryInput = fc.record({
  policy: arbitraryPolicy,
  today: day,
  state: fc.constantFrom<SubscriptionState>("pending", "active", "isolated", "suspended", "terminated"),
  isolatedByDunning: fc.boolean(),
  keepActiveUntil: fc.option(day),
  invoices: fc.array(
    fc.record({
      invoiceId: fc.uuid(),
      dueDate: day,
      amountOpenMinor: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })),
      remindersSent: fc.uniqueArray(fc.integer({ min: -10, max: 20 }), { maxLength: 3 }),
    }),
    { maxLength: 4 },
  ),
});

describe("properties", () => {
  test("never isolates before due + grace, nor during an override, nor what is not active", () => {
    fc.assert(
      fc.property(arbitraryInput, (state) => {
        const isolate = dunningActions(state).find((a) => a.kind === "isolate");
        if (!isolate) return;
        expect(state.state).toBe("active");
        expect(state.keepActiveUntil === null || state.today > state.keepActiveUntil).toBe(true);
        for (const id of isolate.invoiceIds) {
          const inv = state.invoices.find((i) => i.invoiceId === id) as DunningInvoice;
          expect(inv.amountOpenMinor).toBeGreaterThan(0);
          expect(state.today > addDays(inv.dueDate, state.policy.graceDays)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test("restores only what dunning isolated, and only when nothing overdue remains", () => {
    fc.assert(
      fc.property(arbitraryInput, (state) => {
        if (!dunningActions(state).some((a) => a.kind === "restore")) return;
        expect(state.state).toBe("isolated");
        expect(state.isolatedByDunning).toBe(true);
        for (const inv of state.invoices) {
          if (inv.amountOpenMinor > 0) expect(state.today <= addDays(inv.dueDate, state.policy.graceDays)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test("reminders only for open invoices, at most one each, only from the policy", () => {
    fc.assert(
      fc.property(arbitraryInput, (state) => {
        const reminders = dunningActions(state).filter((a) => a.kind === "remind");
        expect(new Set(reminders.map((r) => r.invoiceId)).size).toBe(reminders.length);
        for (const r of reminders) {
          const inv = state.invoices.find((i) => i.invoiceId === r.invoiceId) as DunningInvoice;
          expect(inv.amountOpenMinor).toBeGreaterThan(0);
          expect(state.policy.reminderOffsets).toContain(r.offset);
          expect(inv.remindersSent).not.toContain(r.offset);
          expect(addDays(inv.dueDate, r.offset) <= state.today).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test("idempotent: a second run the same day, after recording the first, does nothing", () => {
    fc.assert(
      fc.property(arbitraryInput, (state) => {
        const after = record(state, dunningActions(state));
        expect(dunningActions(after)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});
