import { describe, expect, test } from "bun:test";
import type { UpMessage } from "@kilusi/shared/sync/messages";
import { captureLogs } from "../testing/logs.ts";
import { backoffDelay } from "./backoff.ts";
import { Heartbeat } from "./heartbeat.ts";

/** A heartbeat that collects what it publishes; `journal` is read at each beat. */
function collected(o: { now?: () => number; journal?: () => Partial<UpMessage<"heartbeat">["journal"]> } = {}) {
  const sent: UpMessage<"heartbeat">[] = [];
  const hb = new Heartbeat({
    intervalMs: 60_000,
    ...(o.now && { now: o.now }),
    logger: captureLogs().logger,
    publish: (m) => sent.push(m) > 0,
    build: () => ({
      v: 1,
      agentId: "7a3f8c52-1f7e-4b43-9a55-9a3f2f1a4b6c",
      appliedRevision: 0,
      uptimeSeconds: 0,
      journal: { backlog: 0, bytes: 0, capBytes: 1, oldestAt: null, ...o.journal?.() },
    }),
  });
  return { hb, sent };
}

describe("heartbeat clock", () => {
  test("round trip and skew come from the echo of the previous heartbeat", () => {
    let now = 1_000_000;
    const { hb, sent } = collected({ now: () => now });
    hb.start();
    hb.stop();
    expect(sent[0]).toMatchObject({ sentAt: 1_000_000, clockSkewMs: null, rttMs: null });
    // The cloud's clock is 5 s ahead; the answer takes 80 ms there and back.
    now += 80;
    hb.onAck({ v: 1, echoSentAt: 1_000_000, cloudAt: 1_000_000 + 40 + 5_000 });
    expect(hb.clock()).toEqual({ rttMs: 80, skewMs: 5_000 });
    // An echo "from the future" (our clock stepped back) measures nothing.
    hb.onAck({ v: 1, echoSentAt: now + 10_000, cloudAt: now });
    expect(hb.clock()).toEqual({ rttMs: 80, skewMs: 5_000 });
    hb.start();
    hb.stop();
    expect(sent[1]).toMatchObject({ sentAt: now, clockSkewMs: 5_000, rttMs: 80 });
  });

  test("beatNow sends one between the regular ones while they run, and nothing while stopped", () => {
    let refusing: "full" | null = null;
    const { hb, sent } = collected({ journal: () => ({ refusing }) });
    hb.beatNow();
    expect(sent).toHaveLength(0);
    hb.start();
    refusing = "full";
    hb.beatNow();
    hb.stop();
    hb.beatNow();
    expect(sent.map((m) => m.journal.refusing)).toEqual([null, "full"]);
  });
});

describe("reconnect backoff", () => {
  test("doubles from the minimum to the maximum, with ±30 % jitter", () => {
    expect(backoffDelay(0, 1_000, 60_000, () => 0.5)).toBe(1_000);
    expect(backoffDelay(3, 1_000, 60_000, () => 0.5)).toBe(8_000);
    expect(backoffDelay(20, 1_000, 60_000, () => 0.5)).toBe(60_000);
    expect(backoffDelay(0, 1_000, 60_000, () => 0)).toBeCloseTo(700);
    expect(backoffDelay(0, 1_000, 60_000, () => 0.999999)).toBeCloseTo(1_300, 0);
    expect(backoffDelay(1_000, 1_000, 60_000, () => 1)).toBeCloseTo(78_000);
  });
});
