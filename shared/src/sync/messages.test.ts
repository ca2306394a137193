import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  downSchemas,
  encodeDown,
  encodeUp,
  MAX_MESSAGE_BYTES,
  negotiateProtocol,
  parseDown,
  parseUp,
  upSchemas,
} from "./messages.ts";
import { canonicalJson, stateHash } from "./state-hash.ts";
import { DOWN_NAMES, downTopic, parseTopic, topicWithin, UP_NAMES, upTopic } from "./topics.ts";

const T = "6f1c1f6e-3d2a-4b8e-9a51-0c7d2b9e4f10";
const S = "0b7e2a47-5c1d-4f3e-8a2b-9d6c4e1f7a20";
const A = "a3d5c7e9-1b2d-4f6a-8c0e-2a4c6e8f0b1d";
const bytes = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v));

describe("topics", () => {
  test("build and parse back, for every name of both directions", () => {
    for (const name of UP_NAMES)
      expect(parseTopic(upTopic({ tenantId: T, siteId: S }, name))).toEqual({
        tenantId: T,
        siteId: S,
        direction: "up",
        name,
      });
    for (const name of DOWN_NAMES)
      expect(parseTopic(downTopic({ tenantId: T, siteId: S }, name))).toEqual({
        tenantId: T,
        siteId: S,
        direction: "down",
        name,
      });
  });

  test("anything else is not a topic of the contract", () => {
    for (const topic of [
      `kilusi/v2/${T}/${S}/up/hello`,
      `kilusi/v1/${T}/${S}/up/welcome`,
      `kilusi/v1/${T}/${S}/down/hello`,
      `kilusi/v1/${T.toUpperCase()}/${S}/up/hello`,
      `kilusi/v1/${T}/+/up/hello`,
      `kilusi/v1/${T}/${S}/up/hello/extra`,
      `kilusi/v1/${T}/${S}/sideways/hello`,
      "",
    ])
      expect(parseTopic(topic)).toBeNull();
    expect(() => upTopic({ tenantId: "../x", siteId: S }, "hello")).toThrow(/tenantId must be a lowercase UUID/);
  });

  test("a filter is within a subtree only when everything it matches is", () => {
    const prefix = `kilusi/v1/${T}/${S}/down`;
    expect(topicWithin(`${prefix}/#`, prefix)).toBe(true);
    expect(topicWithin(`${prefix}/changes`, prefix)).toBe(true);
    expect(topicWithin(`kilusi/v1/${T}/+/down/#`, prefix)).toBe(false);
    expect(topicWithin("kilusi/v1/#", prefix)).toBe(false);
    expect(topicWithin("#", prefix)).toBe(false);
    expect(topicWithin(`kilusi/v1/${T}/${S}/+/changes`, prefix)).toBe(false);
    expect(topicWithin(`kilusi/v1/${T}/${S}/downx`, prefix)).toBe(false);
  });

  test("parseTopic never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (t) => {
        parseTopic(t);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("messages", () => {
  test("a valid message encodes and parses back unchanged", () => {
    const hello = {
      v: 1 as const,
      agentId: A,
      agentVersion: "0.5.0",
      protocols: [1],
      appliedRevision: 7,
      startedAt: "2026-12-02T01:00:00.000Z",
    };
    expect(parseUp("hello", encodeUp("hello", hello))).toEqual({ ok: true, message: hello });
    const ack = {
      v: 1 as const,
      agentId: A,
      ranges: [
        [1, 5],
        [9, 9],
      ] as [number, number][],
    };
    expect(parseDown("journal-ack", encodeDown("journal-ack", ack))).toEqual({ ok: true, message: ack });
  });

  test("the sender refuses what the receiver would refuse", () => {
    expect(() => encodeUp("hello", { v: 1, agentId: "nope" } as never)).toThrow();
  });

  test("oversized, non-JSON, wrong-schema and unknown-field payloads are rejected with a reason", () => {
    expect(parseUp("journal", Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20))).toMatchObject({
      ok: false,
      reason: "oversized",
    });
    expect(parseUp("journal", bytes("{not json"))).toMatchObject({ ok: false, reason: "not_json" });
    expect(parseUp("journal", Buffer.from([0xff, 0xfe, 0x7b]))).toMatchObject({ ok: false, reason: "not_json" });
    expect(parseUp("journal", bytes({ v: 1, agentId: A, records: [] }))).toMatchObject({
      ok: false,
      reason: "schema",
      detail: expect.stringContaining("records"),
    });
    expect(
      parseUp("presence", bytes({ v: 1, state: "online", agentId: A, agentVersion: "1", extra: true })),
    ).toMatchObject({ ok: false, reason: "schema" });
    expect(parseUp("presence", bytes({ v: 2, state: "online", agentId: A, agentVersion: "1" }))).toMatchObject({
      ok: false,
      reason: "schema",
    });
    expect(parseDown("journal-ack", bytes({ v: 1, agentId: A, ranges: [[5, 1]] }))).toMatchObject({
      ok: false,
      reason: "schema",
    });
    expect(
      parseDown("changes", bytes({ v: 1, sinceRevision: 5, toRevision: 4, currentRevision: 9, changes: [] })),
    ).toMatchObject({ ok: false, reason: "schema" });
    expect(
      parseDown("snapshot", bytes({ v: 1, snapshotId: A, revision: 1, part: 2, parts: 2, entries: [] })),
    ).toMatchObject({ ok: false, reason: "schema" });
  });

  test("fuzz: no input crashes a parser, and whatever is accepted matches its schema", () => {
    const anyJson = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...UP_NAMES), anyJson, (name, text) => {
        const r = parseUp(name, bytes(text));
        if (r.ok) expect(upSchemas[name].safeParse(r.message).success).toBe(true);
      }),
      { numRuns: 3_000 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...DOWN_NAMES), fc.uint8Array({ maxLength: 300 }), (name, raw) => {
        const r = parseDown(name, raw);
        if (r.ok) expect(downSchemas[name].safeParse(r.message).success).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  test("fuzz: near-valid journal batches (mutated fields) are parsed or rejected, never thrown", () => {
    const record = fc.record({
      seq: fc.oneof(fc.integer({ min: -5, max: 1e6 }), fc.double(), fc.constant(null)),
      kind: fc.oneof(fc.constant("radius.acct"), fc.string({ maxLength: 80 })),
      at: fc.oneof(fc.constant("2026-12-02T01:00:00Z"), fc.string({ maxLength: 30 })),
      data: fc.oneof(fc.object(), fc.constant([]), fc.constant(null)),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 5 }), fc.constantFrom(A, "x", ""), (records, agentId) => {
        parseUp("journal", bytes({ v: 1, agentId, records }));
      }),
      { numRuns: 2_000 },
    );
  });

  test("protocol negotiation picks the highest common version or none", () => {
    expect(negotiateProtocol([1, 2, 3], [1, 2])).toBe(2);
    expect(negotiateProtocol([3], [1, 2])).toBeNull();
    expect(negotiateProtocol([1])).toBe(1);
  });
});

describe("state hash", () => {
  test("independent of key order in objects and of entry order", () => {
    const a = [
      { kind: "subscriber", key: "b", data: { x: 1, plan: { up: 2, down: 3 } } },
      { kind: "nas", key: "a", data: { y: null } },
    ];
    const b = [
      { kind: "nas", key: "a", data: { y: null } },
      { kind: "subscriber", key: "b", data: { plan: { down: 3, up: 2 }, x: 1 } },
    ];
    expect(stateHash(a)).toBe(stateHash(b));
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 0 }] })).toBe('{"a":[2,{"c":0,"d":1}],"b":1}');
  });

  test("any difference in a value changes it", () => {
    const base = [{ kind: "subscriber", key: "k", data: { status: "active" } }];
    expect(stateHash(base)).not.toBe(stateHash([{ kind: "subscriber", key: "k", data: { status: "isolated" } }]));
    expect(stateHash(base)).not.toBe(stateHash([]));
  });
});
