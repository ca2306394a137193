// In-process cost of the RADIUS request path without sockets (on demand, `bun tests/bench/radius-path.ts`):
// PAP Access-Requests and Accounting-Requests handed to the server's dispatch, replies counted.
import { randomBytes } from "node:crypto";
import { encodeUserPassword } from "../../agent/src/radius/auth/user-password.ts";
import { encodeRequest, PacketCode } from "../../agent/src/radius/packet/index.ts";
import { nasState, SECRET, startTestSite, subscriberState } from "../../agent/src/radius/server/test-site.ts";

const N = Number(process.env.N ?? 200_000);
const users = Array.from({ length: 100 }, (_, i) => ({ name: `user${i}`, password: `pw-${i}` }));
const site = await startTestSite({
  logLevel: "warn",
  entries: [
    ["nas", "nas-core", nasState()],
    ...users.map((u, i) => ["subscriber", `sub-${i}`, subscriberState(u.name, u.password)] as [string, string, object]),
  ],
});
const secret = Buffer.from(SECRET);
const server = site.radius.server as unknown as {
  dispatch(port: string, socket: unknown, d: Buffer, from: unknown): void;
};
let replies = 0;
const socket = {
  sendMany: (out: unknown[]) => {
    replies += out.length / 3;
    return out.length / 3;
  },
};
const pap = users.map((u, i) => {
  const authenticator = randomBytes(16);
  return encodeRequest({
    code: PacketCode.AccessRequest,
    identifier: i,
    authenticator,
    secret,
    attributes: [
      ["User-Name", u.name],
      ["User-Password", encodeUserPassword(u.password, secret, authenticator) as Buffer],
      ["NAS-IP-Address", "127.0.0.1"],
    ],
  });
});
async function round(name: string, make: (i: number) => Buffer, port: string) {
  replies = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    server.dispatch(port, socket, make(i), { address: "127.0.0.1", port: 1024 + (i % 64000), family: "IPv4", size: 0 });
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
  while (replies < N * 0.99) await new Promise((r) => setTimeout(r, 5));
  const c = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  console.log(
    `${name}: ${Math.round(N / (ms / 1000))}/s, ${((c.user + c.system) / N).toFixed(1)} µs CPU/request, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
  );
}
for (let r = 0; r < Number(process.env.ROUNDS ?? 2); r++) {
  await round("PAP", (i) => pap[i % 100] as Buffer, "auth");
  if (process.env.PAP_ONLY) continue;
  let seq = 0;
  await round(
    "Accounting",
    (i) =>
      encodeRequest({
        code: PacketCode.AccountingRequest,
        identifier: i & 255,
        secret,
        messageAuthenticator: false,
        attributes: [
          ["User-Name", users[i % 100]?.name ?? ""],
          ["Acct-Status-Type", "Interim-Update"],
          ["Acct-Session-Id", `s-${r}-${i % 100}`],
          ["Acct-Input-Octets", seq++],
          ["NAS-IP-Address", "127.0.0.1"],
        ],
      }),
    "acct",
  );
}
await site.close();
process.exit(0);
