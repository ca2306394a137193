// Garbage from a known NAS's address, through the real server: no crash, no reply, and the
// server still answers afterwards. Bounded: a fixed number of runs over one socket.
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { removeTempDirs } from "../../testing/fixtures.ts";
import { encodeRequest, PacketCode } from "../packet/index.ts";
import { type RawClient, rawClient, SECRET, startTestSite, type TestSite } from "./test-site.ts";

let site: TestSite;
let client: RawClient;

beforeAll(async () => {
  site = await startTestSite();
  client = await rawClient();
});
afterAll(async () => {
  await client.close();
  await site.close();
  removeTempDirs();
});

// Datagrams that look like requests (a request code, a plausible length) reach deeper than noise.
const datagram = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 200 }),
  fc
    .tuple(
      fc.constantFrom(PacketCode.AccessRequest, PacketCode.AccountingRequest, PacketCode.StatusServer),
      fc.uint8Array({ minLength: 18, maxLength: 300 }),
    )
    .map(([code, rest]) => {
      const bytes = Buffer.concat([Buffer.from([code]), Buffer.from(rest)]);
      bytes.writeUInt16BE(bytes.length, 2);
      return bytes;
    }),
);

test("garbage on both ports gets no reply and does not stop the server", async () => {
  await fc.assert(
    fc.asyncProperty(datagram, fc.boolean(), async (bytes, toAcct) => {
      await client.send(Buffer.from(bytes), toAcct ? site.radius.acctPort : site.radius.authPort);
    }),
    { numRuns: 400, seed: 6 },
  );
  await Bun.sleep(300);
  expect(client.replies).toEqual([]);
  expect(site.radius.stats().dropped["internal-error"]).toBeUndefined();
  const status = encodeRequest({
    code: PacketCode.StatusServer,
    identifier: 1,
    attributes: [],
    secret: Buffer.from(SECRET),
  });
  await client.send(status, site.radius.authPort);
  expect(await client.next(2_000)).not.toBeNull();
});
