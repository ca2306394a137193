// The agent's RADIUS request path in-process, without sockets or a client (on demand:
// `bun tests/bench/radius-path.ts`; never part of the suite). PAP Access-Requests and
// Accounting-Requests, built beforehand, are handed to the server's dispatch as datagrams from
// the NAS, and the replies it sends are counted. It prints the server's own CPU time per request
// and its heap, to tell the code's cost from what tests/bench/radius.ts measures end to end (the
// kernel's UDP, radclient sharing the two cores).
// Knobs: BENCH_REQUESTS (100,000 per method and round), BENCH_ROUNDS (2), BENCH_METHODS=PAP,Accounting.
import { heapStats } from "bun:jsc";
import { randomBytes } from "node:crypto";
import { encodeUserPassword } from "../../agent/src/radius/auth/user-password.ts";
import { encodeRequest, PacketCode } from "../../agent/src/radius/packet/index.ts";
import { nasState, SECRET, startTestSite, subscriberState } from "../../agent/src/radius/server/test-site.ts";

const N = Number(process.env.BENCH_REQUESTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const METHODS = new Set((process.env.BENCH_METHODS ?? "PAP,Accounting").split(","));
const DEADLINE_MS = 60_000;

const users = Array.from({ length: 100 }, (_, i) => ({ name: `user${i}`, password: `pw-${i}` }));
const site = await startTestSite({
  logLevel: "warn",
  journalMaxBytes: 1 << 30,
  entries: [
    ["nas", "nas-core", nasState()],
    ...users.map((u, i): [string, string, object] => ["subscriber", `sub-${i}`, subscriberState(u.name, u.password)]),
  ],
});
const secret = Buffer.from(SECRET);
// The one private door: the server's dispatch, as its socket's data callback calls it.
const server = site.radius.server as unknown as {
  dispatch(port: "auth" | "acct", socket: unknown, datagram: Buffer, from: { address: string; port: number }): void;
};
let replies = 0;
const socket = {
  send: () => {
    replies++;
    return true;
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
/** Distinct Interim-Updates (each a new journal record), as many as a round sends. */
const accounting = (round: number) =>
  Array.from({ length: N }, (_, i) =>
    encodeRequest({
      code: PacketCode.AccountingRequest,
      identifier: i & 255,
      secret,
      messageAuthenticator: false,
      attributes: [
        ["User-Name", users[i % 100]?.name ?? ""],
        ["Acct-Status-Type", "Interim-Update"],
        ["Acct-Session-Id", `s-${round}-${i % 100}`],
        ["Acct-Input-Octets", i],
        ["NAS-IP-Address", "127.0.0.1"],
        ["Class", `k1:s:sub-${i % 100}`],
      ],
    }),
  );

async function round(name: string, datagrams: (i: number) => Buffer, port: "auth" | "acct") {
  replies = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    // Distinct source ports: no request is a copy of another for the duplicate cache.
    server.dispatch(port, socket, datagrams(i), { address: "127.0.0.1", port: 1024 + (i % 64_000) });
    // 100 in flight, as radclient -p 100 keeps them; the turn ends, replies and commits go out.
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  while (replies < N) {
    if (performance.now() - started > DEADLINE_MS) {
      console.log(`${name}: only ${replies} of ${N} answered within ${DEADLINE_MS / 1000} s`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  const h = heapStats();
  const mb = (n: number) => (n / 1e6).toFixed(1);
  console.log(
    `${name.padEnd(11)} ${Math.round(N / seconds).toLocaleString("en")}/s, ` +
      `${((used.user + used.system) / N).toFixed(1)} µs CPU/request, ` +
      `RSS ${mb(process.memoryUsage().rss)} MB (JS heap ${mb(h.heapSize)} of ${mb(h.heapCapacity)} MB)`,
  );
}

for (let r = 0; r < ROUNDS; r++) {
  if (METHODS.has("PAP")) await round("PAP", (i) => pap[i % 100] as Buffer, "auth");
  if (METHODS.has("Accounting")) {
    const requests = accounting(r);
    await round("Accounting", (i) => requests[i] as Buffer, "acct");
  }
}
await site.close();
process.exit(0);
