import { describe, expect, test } from "bun:test";
import { parseAmount } from "@kilusi/shared/money";
import fc from "fast-check";
import {
  amountInput,
  MAX_KBPS,
  type PlanInput,
  parseQuota,
  parseSpeed,
  parseTaxRate,
  planForm,
  planFormValues,
} from "./plans.schemas.ts";

describe("speeds", () => {
  test.each([
    ["20", "mbps", 20_000],
    ["1,5", "mbps", 1500],
    ["1.5", "mbps", 1500],
    ["0.5", "mbps", 500],
    ["0.125", "mbps", 125],
    ["512", "kbps", 512],
    ["100000", "mbps", MAX_KBPS],
  ] as const)("%s %s is %d kbps", (text, unit, kbps) => {
    expect(parseSpeed(text, unit)).toEqual({ ok: true, value: kbps });
  });

  test.each([
    ["", "mbps", "plans.error.speed.required"],
    ["0", "mbps", "plans.error.speed.invalid"],
    ["abc", "mbps", "plans.error.speed.invalid"],
    ["-1", "mbps", "plans.error.speed.invalid"],
    ["0.0005", "mbps", "plans.error.speed.invalid"],
    ["1.0001", "mbps", "plans.error.speed.invalid"],
    ["1.5", "kbps", "plans.error.speed.notWhole"],
    ["10.240", "kbps", "plans.error.speed.notWhole"],
    ["0", "kbps", "plans.error.speed.invalid"],
    ["100001", "mbps", "plans.error.speed.tooLarge"],
  ] as const)("%s %s is refused: %s", (text, unit, error) => {
    expect(parseSpeed(text, unit)).toEqual({ ok: false, error });
  });
});

describe("PPN rate", () => {
  test.each([
    ["11", 1100],
    ["11,5", 1150],
    ["12.25", 1225],
    ["0", 0],
    ["", 0],
    ["100", 10_000],
  ])("%s %% is %d bp", (text, bp) => {
    expect(parseTaxRate(text)).toEqual({ ok: true, value: bp });
  });

  test.each(["150", "100.01", "11.125", "-11", "sebelas", "11%"])("%s is refused", (text) => {
    expect(parseTaxRate(text)).toEqual({ ok: false, error: "plans.error.taxRate" });
  });
});

describe("quota", () => {
  test.each([
    ["", null],
    ["1", 1024 ** 3],
    ["1,5", 1.5 * 1024 ** 3],
    ["0.01", 10_737_418],
  ])("%s GB is %p bytes", (text, bytes) => {
    expect(parseQuota(text)).toEqual({ ok: true, value: bytes });
  });

  test.each(["0", "0.001", "-1", "banyak", "1000001"])("%s is refused", (text) => {
    expect(parseQuota(text)).toEqual({ ok: false, error: "plans.error.quota" });
  });
});

describe("what the edit form shows reads back as the stored plan", () => {
  test.each(["IDR", "USD", "BHD"])("amounts in %s", (currency) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (minor) => {
        const parsed = parseAmount(amountInput(minor, currency), currency);
        expect(parsed).toEqual({ ok: true, minor });
      }),
    );
  });

  // Base and burst together stay within the 100 Gbps the form accepts.
  const kbps = fc.integer({ min: 1, max: 50 * 1000 });
  const plan = fc.record({
    download: kbps,
    upload: kbps,
    burst: fc.option(fc.tuple(kbps, kbps, fc.integer({ min: 1, max: 3600 }))),
    mbps: fc.boolean(),
    quota: fc.option(fc.integer({ min: 1, max: 100_000 * 100 })),
    tax: fc.integer({ min: 0, max: 10_000 }),
    prepaid: fc.option(fc.tuple(fc.integer({ min: 1, max: 366 }), fc.boolean())),
    price: fc.integer({ min: 0, max: 10 ** 9 }),
  });

  test("plans of every shape", () => {
    fc.assert(
      fc.property(plan, (p) => {
        const scale = p.mbps ? 1000 : 1;
        const download = p.download * scale;
        const upload = p.upload * scale;
        const input: PlanInput = {
          name: "Paket",
          type: "pppoe",
          price: p.price,
          cycle: p.prepaid ? "prepaid" : "monthly",
          validityDays: p.prepaid && !p.prepaid[1] ? p.prepaid[0] : null,
          validityHours: p.prepaid?.[1] ? p.prepaid[0] : null,
          downloadKbps: download,
          uploadKbps: upload,
          // Burst above the base, threshold at or below it: what the form allows.
          burstDownloadKbps: p.burst ? download + p.burst[0] * scale : null,
          burstUploadKbps: p.burst ? upload + p.burst[1] * scale : null,
          burstThresholdDownloadKbps: p.burst ? download : null,
          burstThresholdUploadKbps: p.burst ? upload : null,
          burstTimeSeconds: p.burst ? p.burst[2] : null,
          addressPool: "pool-1",
          profileName: null,
          // Quotas are typed in hundredths of a GB, so stored quotas are too.
          quotaBytes: p.quota === null ? null : Math.round((p.quota * 1024 ** 3) / 100),
          taxRateBp: p.tax,
          taxInclusive: p.tax % 2 === 0,
          installationFee: p.price % 1000,
        };
        const parsed = planForm("IDR").safeParse(planFormValues(input, "IDR"));
        expect(parsed.success ? parsed.data : parsed.error.issues).toEqual(input);
      }),
      { numRuns: 300 },
    );
  });
});

test("unknown keys never reach the use-case", () => {
  const values = planFormValues(
    {
      name: "Paket",
      type: "static",
      price: 1,
      cycle: "monthly",
      validityDays: null,
      validityHours: null,
      downloadKbps: 1024,
      uploadKbps: 1024,
      burstDownloadKbps: null,
      burstUploadKbps: null,
      burstThresholdDownloadKbps: null,
      burstThresholdUploadKbps: null,
      burstTimeSeconds: null,
      addressPool: null,
      profileName: null,
      quotaBytes: null,
      taxRateBp: 0,
      taxInclusive: true,
      installationFee: 0,
    },
    "IDR",
  );
  const parsed = planForm("IDR").parse({ ...values, tenantId: crypto.randomUUID(), archivedAt: "2026-01-01" });
  expect(Object.keys(parsed)).not.toContain("tenantId");
  expect(Object.keys(parsed)).not.toContain("archivedAt");
});
