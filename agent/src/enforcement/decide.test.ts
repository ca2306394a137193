import { describe, expect, test } from "bun:test";
import { decide } from "./decide.ts";

const plan = {
  id: "p",
  name: "10M",
  type: "pppoe",
  downloadKbps: 10_000,
  uploadKbps: 5_000,
  burstDownloadKbps: null,
  burstUploadKbps: null,
  burstThresholdDownloadKbps: null,
  burstThresholdUploadKbps: null,
  burstTimeSeconds: null,
  addressPool: null,
  profileName: null,
  quotaBytes: null,
};
const sub = (over: Record<string, unknown> = {}) => ({
  status: "active",
  access: "pppoe",
  username: "budi",
  password: "pw",
  staticIp: null,
  mac: null,
  expiresAt: null,
  plan,
  ...over,
});
const change = (
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  kind = "subscriber",
) => ({
  kind,
  key: "s1",
  before,
  after,
});

describe("what a subscriber change asks of the network", () => {
  test("status, removal and credentials → Disconnect with the reason", () => {
    expect(decide(change(sub(), sub({ status: "isolated" })))).toEqual({ action: "disconnect", reason: "isolated" });
    expect(decide(change(sub({ status: "isolated" }), sub()))).toEqual({ action: "disconnect", reason: "restored" });
    expect(decide(change(sub(), null))).toEqual({ action: "disconnect", reason: "terminated" });
    expect(decide(change(sub(), sub({ password: "new" })))).toEqual({
      action: "disconnect",
      reason: "credentials_changed",
    });
    expect(decide(change(sub(), { garbage: true }))).toEqual({ action: "disconnect", reason: "invalid_state" });
  });

  test("a new static address, given or taken away, isolated or not → Disconnect (the router assigns it at login)", () => {
    const moved = { action: "disconnect", reason: "address_changed" } as const;
    expect(decide(change(sub(), sub({ staticIp: "203.0.113.7" })))).toEqual(moved);
    expect(decide(change(sub({ staticIp: "203.0.113.7" }), sub({ staticIp: "203.0.113.8" })))).toEqual(moved);
    expect(decide(change(sub({ staticIp: "203.0.113.7" }), sub()))).toEqual(moved);
    const isolated = { status: "isolated" };
    expect(decide(change(sub(isolated), sub({ ...isolated, staticIp: "203.0.113.7" })))).toEqual(moved);
  });

  test("a new rate on an active subscriber → CoA; no limit any more → Disconnect; isolated → nothing", () => {
    const faster = { ...plan, downloadKbps: 20_000 };
    expect(decide(change(sub(), sub({ plan: faster })))).toEqual({
      action: "coa",
      reason: "plan_changed",
      rateLimit: "5000k/20000k",
    });
    const open = { ...plan, downloadKbps: null, uploadKbps: null };
    expect(decide(change(sub(), sub({ plan: open })))).toEqual({ action: "disconnect", reason: "plan_changed" });
    expect(decide(change(sub({ status: "isolated" }), sub({ status: "isolated", plan: faster })))).toBeNull();
  });

  test("new entries, other kinds and changes that apply at the next login → nothing", () => {
    expect(decide(change(null, sub()))).toBeNull();
    expect(decide(change(sub(), sub(), "nas"))).toBeNull();
    expect(decide(change(sub(), sub({ plan: { ...plan, name: "renamed", addressPool: "p2" } })))).toBeNull();
    expect(decide(change(sub(), sub({ expiresAt: "2030-01-01T00:00:00Z" })))).toBeNull();
  });
});
