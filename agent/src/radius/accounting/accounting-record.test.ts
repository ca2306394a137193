import { describe, expect, test } from "bun:test";
import { accountingRecordSchema } from "@kilusi/shared/sync/radius-records";
import { type AttributeInput, decodePacket, encodeRequest, PacketCode, type RadiusPacket } from "../packet/index.ts";
import { accountingRecord, accountingUniqueId } from "./accounting-record.ts";
import { classTag } from "./class-tag.ts";

const request = (attributes: AttributeInput[], identifier = 1): RadiusPacket => {
  const r = decodePacket(
    encodeRequest({
      code: PacketCode.AccountingRequest,
      identifier,
      attributes,
      secret: Buffer.from("s"),
      messageAuthenticator: false,
    }),
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.packet;
};

const base: AttributeInput[] = [
  ["User-Name", "budi"],
  ["Acct-Status-Type", "Interim-Update"],
  ["Acct-Session-Id", "81000001"],
  ["Acct-Input-Octets", 10],
  ["Acct-Input-Gigawords", 3],
];

describe("accountingUniqueId", () => {
  test("is pinned: the cloud's unique key must not change between agent versions", () => {
    const packet = request([
      ["User-Name", "alice"],
      ["Acct-Status-Type", "Start"],
      ["Acct-Delay-Time", 3],
      ["Acct-Session-Id", "abc"],
      ["Mikrotik-Rate-Limit", "1M/1M"],
      ["Proxy-State", Buffer.from("xy")],
    ]);
    expect(accountingUniqueId("nas-1", packet)).toBe(
      "b9af46b8428f95e1c4ea96c5a8d133fe4a8710d11f3a5d349e9e0b65c9a8b4ef",
    );
  });

  test("the same request with another Acct-Delay-Time, Proxy-State or Identifier has the same id", () => {
    const id = accountingUniqueId("nas-1", request(base));
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const copy = request([...base, ["Acct-Delay-Time", 9], ["Proxy-State", Buffer.from("p")]], 2);
    expect(accountingUniqueId("nas-1", copy)).toBe(id);
  });

  test("another NAS, another value, or another order is another request", () => {
    const id = accountingUniqueId("nas-1", request(base));
    expect(accountingUniqueId("nas-2", request(base))).not.toBe(id);
    expect(
      accountingUniqueId("nas-1", request([...base.slice(0, 3), ["Acct-Input-Octets", 11], base[4] as AttributeInput])),
    ).not.toBe(id);
    expect(accountingUniqueId("nas-1", request([...base].reverse()))).not.toBe(id);
  });
});

test("the record: 64-bit totals, names, and it parses with the shared schema", () => {
  const packet = request([
    ...base,
    ["Acct-Output-Octets", 4_294_967_295],
    ["Acct-Output-Gigawords", 4],
    ["Acct-Terminate-Cause", "Lost-Carrier"],
    ["Acct-Delay-Time", 2],
  ]);
  const receivedAt = new Date("2026-01-02T03:04:05.000Z");
  const record = accountingRecord(packet, {
    nasId: "nas-1",
    sourceAddress: "192.0.2.1",
    statusType: "Interim-Update",
    owner: { subscriptionId: "sub-1", voucherCode: null },
    receivedAt,
  });
  expect(record).toMatchObject({
    nasIp: "192.0.2.1",
    inputOctets: 3 * 2 ** 32 + 10,
    outputOctets: 5 * 2 ** 32 - 1,
    terminateCause: "Lost-Carrier",
    eventAt: "2026-01-02T03:04:03.000Z",
  });
  expect(accountingRecordSchema.safeParse(record).success).toBe(true);
});

test("classTag: ours is read, anything else in Class is not", () => {
  const tagged = (value: string) => request([["Class", Buffer.from(value)]]);
  expect(classTag(tagged("k1:s:abc"))).toEqual({ subscriptionId: "abc", voucherCode: null });
  expect(classTag(tagged("k1:v:CODE9"))).toEqual({ subscriptionId: null, voucherCode: "CODE9" });
  expect(classTag(tagged("k1:s:"))).toBeNull();
  expect(classTag(tagged("other-server-class"))).toBeNull();
  expect(classTag(request([]))).toBeNull();
});
