// HTTP benchmark (run on demand: `npm run bench`, never part of the test suite).
// Measures /healthz and the landing page of the real control plane on its embedded defaults,
// beside a bare Bun.serve hello-world started the same way, with wrk on loopback; each target
// runs ROUNDS times, interleaved, and the medians are printed with the ratio to the bare server.
import { join } from "node:path";
import { startControlPlaneProcess } from "../support/process.ts";
import { median, ms, type WrkResult as Result, requireWrk, wrk } from "./wrk.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
requireWrk();
const run = (url: string) => wrk(url, { seconds: SECONDS, connections: CONNECTIONS });

const bare = await startControlPlaneProcess({ command: [process.execPath, join(import.meta.dir, "bare-server.ts")] });
const cp = await startControlPlaneProcess({ env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "info" } });
const targets = {
  "bare Bun.serve (reference)": `${bare.url}/`,
  "control plane /healthz": `${cp.url}/healthz`,
  "control plane / (landing)": `${cp.url}/`,
};
const results = new Map<string, Result[]>(Object.keys(targets).map((k) => [k, []]));
try {
  for (const [, url] of Object.entries(targets)) await run(url); // warm-up, discarded
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, url] of Object.entries(targets)) {
      const r = await run(url);
      results.get(name)?.push(r);
      console.error(`round ${round} ${name}: ${r.rps.toFixed(0)} req/s, p99 ${(r.p99 / 1000).toFixed(2)} ms`);
    }
  }
} finally {
  await cp.stop();
  await bare.stop();
}

const ref = results.get("bare Bun.serve (reference)") as Result[];
const refRps = median(ref.map((r) => r.rps));
console.log(
  `\nwrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} rounds interleaved, medians; Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, LOG_LEVEL=${process.env.LOG_LEVEL ?? "info"}\n`,
);
console.log(
  `${"target".padEnd(30)} ${"req/s".padStart(9)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"vs bare".padStart(8)} errors`,
);
for (const [name, rs] of results) {
  const rps = median(rs.map((r) => r.rps));
  const errs = rs.reduce((n, r) => n + r.errors + r.non2xx, 0);
  console.log(
    `${name.padEnd(30)} ${rps.toFixed(0).padStart(9)} ${ms(median(rs.map((r) => r.p50))).padStart(8)} ${ms(median(rs.map((r) => r.p95))).padStart(8)} ${ms(median(rs.map((r) => r.p99))).padStart(8)} ${`${((rps / refRps) * 100).toFixed(0)}%`.padStart(8)} ${errs}`,
  );
}
