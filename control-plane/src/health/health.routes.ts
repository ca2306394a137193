import { Hono } from "hono";
import type { Gauge, Metrics } from "../observability/metrics.ts";

export interface HealthDeps {
  metrics: Metrics;
  checks: Record<string, () => Promise<void>>;
  gauges: () => Gauge[];
  isDraining: () => boolean;
}

const CHECK_TIMEOUT_MS = 2_000;

async function probe(check: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz`: the process answers (liveness; never touches dependencies, so a database outage
 * does not get every replica restarted). `/readyz`: the database and broker answer and the
 * process is not shutting down (the load balancer stops sending traffic otherwise).
 */
export function healthRoutes(deps: HealthDeps) {
  return new Hono()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", async (c) => {
      const names = Object.keys(deps.checks);
      const results = await Promise.all(names.map((n) => probe(deps.checks[n] as () => Promise<void>)));
      const checks = Object.fromEntries(names.map((n, i) => [n, results[i]]));
      const draining = deps.isDraining();
      const ready = !draining && results.every((r) => r.ok);
      c.header("Cache-Control", "no-store");
      return c.json({ status: ready ? "ready" : draining ? "draining" : "unavailable", checks }, ready ? 200 : 503);
    })
    .get("/metrics", (c) => {
      c.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      c.header("Cache-Control", "no-store");
      return c.body(deps.metrics.render(deps.gauges()));
    });
}
