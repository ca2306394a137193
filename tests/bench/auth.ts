// Authentication benchmark (on demand: `bun tests/bench/auth.ts`; never part of the suite).
// Sessions are validated in PostgreSQL: the control plane runs on a scratch database of the
// machine's PostgreSQL. Measured, with wrk on loopback:
//   - sign-in throughput (POST /login with the right password), beside the reference: how many
//     argon2id verifications per second this machine does in one Bun process;
//   - a signed-in page (GET /app: session lookup + tenant/role + render) under concurrency,
//     beside /healthz (no session, no database) on the same process.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ARGON2 } from "../../control-plane/src/accounts/passwords.ts";
import { createScratchDatabase } from "../support/postgres.ts";
import { startControlPlaneProcess } from "../support/process.ts";
import { median, ms, requireWrk, type WrkResult, wrk } from "./wrk.ts";

requireWrk();
mkdirSync(join(import.meta.dir, "..", "artifacts"), { recursive: true });
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

// Reference: argon2id verifications per second, the floor of any sign-in.
const hash = await Bun.password.hash("correct horse battery staple", ARGON2);
const verifyStart = performance.now();
let verifications = 0;
while (performance.now() - verifyStart < 3_000) {
  await Promise.all([0, 1].map(() => Bun.password.verify("correct horse battery staple", hash)));
  verifications += 2;
}
const argonPerSecond = verifications / ((performance.now() - verifyStart) / 1000);

const scratch = await createScratchDatabase("kilusi_bench");
const cp = await startControlPlaneProcess({ env: { DATABASE_URL: scratch.url, LOG_LEVEL: "warn" } });
const origin = new URL(cp.url).origin;
const password = "correct horse battery staple";
const signup = await fetch(`${cp.url}/signup`, {
  method: "POST",
  redirect: "manual",
  headers: { "content-type": "application/x-www-form-urlencoded", origin, accept: "text/html" },
  body: new URLSearchParams({
    ispName: "Bench Net",
    slug: "bench-net",
    ownerName: "Bench Owner",
    email: "owner@bench.example",
    phone: "081234567890",
    password,
  }),
});
const cookie = signup.headers.getSetCookie()[0]?.split(";")[0];
if (signup.status !== 303 || !cookie) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);
const app = await fetch(`${cp.url}/app`, { headers: { cookie, accept: "text/html" }, redirect: "manual" });
if (app.status !== 200) throw new Error(`GET /app answered ${app.status}`);

const results: Record<string, WrkResult[]> = { login: [], app: [], healthz: [] };
try {
  for (let round = 1; round <= ROUNDS; round++) {
    results.login?.push(
      await wrk(`${cp.url}/login`, {
        seconds: SECONDS,
        connections: 8,
        script: "post-form.lua",
        env: { WRK_BODY: `email=owner%40bench.example&password=${encodeURIComponent(password)}`, WRK_ORIGIN: origin },
      }),
    );
    results.app?.push(
      await wrk(`${cp.url}/app`, {
        seconds: SECONDS,
        connections: CONNECTIONS,
        script: "get-with-cookie.lua",
        env: { WRK_COOKIE: cookie },
      }),
    );
    results.healthz?.push(await wrk(`${cp.url}/healthz`, { seconds: SECONDS, connections: CONNECTIONS }));
    console.error(`round ${round} done`);
  }
} finally {
  await cp.stop();
  await scratch.drop();
}

const m = (name: string, key: keyof WrkResult) => median((results[name] ?? []).map((r) => r[key]));
const errors = (name: string) => (results[name] ?? []).reduce((n, r) => n + r.errors, 0);
// A sign-in answers 303; wrk counts 3xx as non-2xx, which is expected here.
console.log(
  `\nwrk -t1, ${SECONDS}s × ${ROUNDS} rounds, medians; Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, PostgreSQL sessions\n`,
);
console.log(
  `argon2id (m=${ARGON2.memoryCost} KiB, t=${ARGON2.timeCost}) verifications/s, 2 at a time: ${argonPerSecond.toFixed(1)}`,
);
console.log(
  `POST /login (8 connections):  ${m("login", "rps").toFixed(1)} sign-ins/s = ${((m("login", "rps") / argonPerSecond) * 100).toFixed(0)}% of the argon2id reference; p50 ${ms(m("login", "p50"))} ms, p95 ${ms(m("login", "p95"))} ms; errors ${errors("login")}`,
);
console.log(
  `GET /app (${CONNECTIONS} connections):     ${m("app", "rps").toFixed(0)} req/s, p50 ${ms(m("app", "p50"))} ms, p95 ${ms(m("app", "p95"))} ms, p99 ${ms(m("app", "p99"))} ms; errors ${errors("app")}, non-2xx ${(results.app ?? []).reduce((n, r) => n + r.non2xx, 0)}`,
);
console.log(
  `GET /healthz (reference):     ${m("healthz", "rps").toFixed(0)} req/s, p95 ${ms(m("healthz", "p95"))} ms; signed-in page = ${((m("app", "rps") / m("healthz", "rps")) * 100).toFixed(0)}% of it`,
);
