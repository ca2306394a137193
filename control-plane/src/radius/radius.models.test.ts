// The pure rules of RADIUS in the cloud, on plain values: folding a batch into sessions, what
// an enforcement outcome says about the current status, a kick's answer, values PostgreSQL takes.
import { describe, expect, test } from "bun:test";
import { type AccountingRow, nasRestarts, sessionDeltas } from "./accounting.models.ts";
import {
  changeToEnforce,
  type EnforcementEvent,
  judgeEnforcement,
  lastDays,
  readKickAnswer,
  type SubscriberChange,
  sessionSeconds,
  usageSeries,
} from "./radius.models.ts";
import { inetOrNull, instantOrNull, int4, int4OrNull, macOrNull, uuidOrNull } from "./record-values.ts";

const NAS = "0b7c6a0e-6c3e-4a51-9d55-2f1a1c9a0001";
let seq = 0;
const row = (o: Partial<AccountingRow>): AccountingRow => ({
  seq: ++seq,
  uniqueId: `u${seq}`,
  nasId: NAS,
  nasIp: null,
  statusType: "Interim-Update",
  sessionId: "s1",
  userName: null,
  subscriptionId: null,
  voucherCode: null,
  framedIp: null,
  callingStationId: null,
  nasPortId: null,
  sessionTime: null,
  inputOctets: 0,
  outputOctets: 0,
  terminateCause: null,
  eventAt: "2026-03-05T01:00:00.000Z",
  ...o,
});
const at = (m: number) => new Date(Date.parse("2026-03-05T01:00:00.000Z") + m * 60_000).toISOString();

describe("sessionDeltas", () => {
  test("Start, interims and Stop in any arrival order fold into one delta: counters grow, the newest name wins", () => {
    const [d, ...rest] = sessionDeltas([
      row({ statusType: "Stop", eventAt: at(10), inputOctets: 9, outputOctets: 90, terminateCause: "Idle-Timeout" }),
      row({ eventAt: at(5), inputOctets: 5, outputOctets: 50, userName: "budi", framedIp: "10.0.0.2" }),
      row({ statusType: "Start", eventAt: at(0), userName: "budi-old" }),
      row({ eventAt: at(7), inputOctets: 3, outputOctets: 30 }),
    ]);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      startAt: at(0),
      startedAt: at(0),
      lastAt: at(10),
      stopAt: at(10),
      terminateCause: "Idle-Timeout",
      inputOctets: 9,
      outputOctets: 90,
      userName: "budi",
      framedIp: "10.0.0.2",
    });
  });

  test("without its Start the start is the earliest record less its session time", () => {
    expect(sessionDeltas([row({ eventAt: at(10), sessionTime: 300 })])[0]).toMatchObject({
      startAt: null,
      startedAt: at(5),
    });
  });

  test("a Start after the session's other records is a new session; On/Off and session-less requests make none", () => {
    const deltas = sessionDeltas([
      row({ statusType: "Start", eventAt: at(0), userName: "old" }),
      row({ statusType: "Stop", eventAt: at(5), inputOctets: 100, userName: "old" }),
      row({ statusType: "Start", eventAt: at(9), userName: "new" }),
      row({ statusType: "Accounting-On", sessionId: null, eventAt: at(8) }),
      row({ statusType: "Start", sessionId: null, eventAt: at(8) }),
      row({ sessionId: "s2", eventAt: at(8) }),
    ]);
    expect(deltas.map((d) => [d.sessionId, d.userName, d.startAt, d.stopAt, d.inputOctets])).toEqual([
      ["s1", "new", at(9), null, 0],
      ["s2", null, null, null, 0],
    ]);
    expect(nasRestarts([row({ statusType: "Accounting-Off", eventAt: at(3) }), row({})])).toEqual([
      { nasId: NAS, at: at(3) },
    ]);
  });
});

const change = (o: Partial<SubscriberChange>): SubscriberChange => ({
  siteId: "site-a",
  revision: 10,
  op: "upsert",
  reason: "isolated",
  createdAt: new Date(Date.parse(at(0))),
  ...o,
});
const event = (o: Partial<EnforcementEvent>): EnforcementEvent => ({
  siteId: "site-a",
  revision: 10,
  reason: "isolated",
  action: "disconnect",
  outcome: "ack",
  attempts: 1,
  errorCause: null,
  errorCauseName: null,
  detail: null,
  completedAt: new Date(Date.parse(at(1))),
  ...o,
});

describe("enforcement", () => {
  test("the change to enforce: the newest the agent acts on, when the subscriber was on the network before it", () => {
    const activated = change({ reason: "activated", revision: 3 });
    expect(changeToEnforce([change({}), activated])).toMatchObject({ revision: 10 });
    expect(changeToEnforce([change({ reason: "plan_updated", revision: 11 }), change({}), activated])).toMatchObject({
      revision: 10,
    });
    // Nothing before it, or it followed a removal (terminating a suspended subscriber), or a move.
    expect(changeToEnforce([change({})])).toBeNull();
    expect(
      changeToEnforce([change({ reason: "terminated", op: "delete" }), change({ op: "delete", reason: "suspended" })]),
    ).toBeNull();
    expect(changeToEnforce([change({}), change({ siteId: "site-b", reason: "activated" })])).toBeNull();
    expect(changeToEnforce([activated])).toBeNull();
  });

  test.each([
    [event({}), change({}), "enforced", true],
    [event({ outcome: "reauth" }), change({}), "enforced", true],
    [event({ outcome: "not_online" }), change({}), "next_login", true],
    [event({ outcome: "nak" }), change({}), "not_enforced", true],
    [event({ outcome: "timeout" }), change({}), "not_enforced", true],
    [event({ outcome: "no_nas" }), change({}), "not_enforced", true],
    [event({ revision: 9 }), change({}), "waiting", false],
    [null, change({}), "waiting", false],
    [null, null, "none", false],
    [event({ reason: "kick" }), null, "enforced", false],
    // Moved to another site: the time decides.
    [event({ siteId: "site-b", revision: 1 }), change({}), "enforced", true],
    [event({ siteId: "site-b", completedAt: new Date(Date.parse(at(-1))) }), change({}), "waiting", false],
  ] as const)("%# judged %s", (e, c, tone, current) => {
    expect(judgeEnforcement(e, c)).toMatchObject({ tone, current });
  });
});

describe("small readings", () => {
  test("a kick's answer is read defensively", () => {
    expect(readKickAnswer({ outcome: "ack", attempts: 1 })).toEqual({ outcome: "ack", attempts: 1 });
    expect(readKickAnswer({ outcome: "nak", attempts: 2, errorCause: 503, errorCauseName: "X" })).toEqual({
      outcome: "nak",
      attempts: 2,
      errorCause: 503,
      errorCauseName: "X",
    });
    expect(readKickAnswer({ outcome: "nak", errorCause: "503" })).toMatchObject({ errorCause: null, attempts: 0 });
    expect(readKickAnswer(null)).toEqual({ outcome: "unknown" });
    expect(readKickAnswer({ outcome: "success" })).toEqual({ outcome: "unknown" });
  });

  test("durations run to now while online, to the stop after", () => {
    const startedAt = new Date(Date.parse(at(0)));
    const s = { startedAt, stoppedAt: null, lastUpdateAt: startedAt, sessionTime: 0 };
    expect(sessionSeconds({ ...s, status: "online" }, new Date(Date.parse(at(2))))).toBe(120);
    expect(sessionSeconds({ ...s, status: "stopped", stoppedAt: new Date(Date.parse(at(1))) }, new Date())).toBe(60);
    expect(sessionSeconds({ ...s, status: "stale", sessionTime: 500 }, new Date())).toBe(500);
  });

  test("the chart's days: thirty, oldest first, zero where nothing was counted", () => {
    const days = lastDays("2026-03-02", 3);
    expect(days).toEqual(["2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(usageSeries(days, [{ day: "2026-03-01", download: 5, upload: 1 }]).map((u) => u.download)).toEqual([
      0, 5, 0,
    ]);
  });

  test("values PostgreSQL would refuse are caught before the statement", () => {
    expect(uuidOrNull("0B7C6A0E-6C3E-4A51-9D55-2F1A1C9A0001")).toBe("0b7c6a0e-6c3e-4a51-9d55-2f1a1c9a0001");
    expect(uuidOrNull("router-1")).toBeNull();
    expect(inetOrNull("10.0.0.1")).toBe("10.0.0.1");
    expect(inetOrNull("2001:db8::1")).toBe("2001:db8::1");
    expect(inetOrNull("fe80::1%eth0")).toBeNull();
    expect(inetOrNull("10.0.0.256")).toBeNull();
    expect(macOrNull("AA:BB:CC:DD:EE:FF")).toBe("aa:bb:cc:dd:ee:ff");
    expect(macOrNull("aabb.ccdd.eeff")).toBe("aabb.ccdd.eeff");
    expect(macOrNull("AA:BB-CC:DD:EE:FF")).toBeNull();
    expect(macOrNull("not a mac")).toBeNull();
    expect(instantOrNull("2026-03-05T08:00:00+07:00")).toBe("2026-03-05T01:00:00.000Z");
    expect(instantOrNull("0000-01-01T00:00:00Z")).toBeNull();
    expect(int4(2 ** 40)).toBe(2 ** 31 - 1);
    expect(int4OrNull(2 ** 40)).toBeNull();
    expect(int4OrNull(-3)).toBe(-3);
  });
});
