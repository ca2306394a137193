import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromiumHint, chromiumPath, launchBrowser, screenshotPath, watchForProblems } from "../support/browser.ts";
import { mosquittoHint, mosquittoReachable, mosquittoUrl } from "../support/mosquitto.ts";
import { requirePeer } from "../support/peers.ts";
import { createScratchDatabase, postgresHint, postgresReachable } from "../support/postgres.ts";
import { repoRoot, type StartedProcess, startControlPlaneProcess } from "../support/process.ts";

describe("the README's first command (npm start) on the embedded defaults", () => {
  let cp: StartedProcess;
  beforeAll(async () => {
    cp = await startControlPlaneProcess({ command: ["npm", "start", "--silent"] });
  });
  afterAll(async () => {
    if (cp.proc.exitCode === null) await cp.stop();
  });

  test("prints where to open it", async () => {
    for (let i = 0; i < 50 && !cp.stderr().includes("Stop with"); i++) await Bun.sleep(50);
    expect(cp.stderr()).toContain(`open ${cp.url}`);
  });

  test("/healthz answers 200", async () => {
    const res = await fetch(`${cp.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  test("/readyz answers 200 with the embedded database and broker", async () => {
    const res = await fetch(`${cp.url}/readyz`);
    expect(await res.json()).toEqual({ status: "ready", checks: { database: { ok: true }, broker: { ok: true } } });
    expect(res.status).toBe(200);
  });

  test("the landing page is served in Indonesian with security headers", async () => {
    const res = await fetch(`${cp.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(await res.text()).toContain('lang="id"');
  });

  test("the landing page renders in Chromium", async () => {
    if (!requirePeer("Chromium", chromiumPath() !== null, chromiumHint)) return;
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ locale: "id-ID" });
      const problems = await watchForProblems(page);
      await page.goto(cp.url);
      expect(await page.locator("h1").isVisible()).toBe(true);
      expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).not.toBe("");
      await page.screenshot({ path: screenshotPath("npm-start-landing"), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test("/metrics counts requests by route pattern and shows the pool, memory and event loop", async () => {
    await fetch(`${cp.url}/no/such/page/123`);
    const text = await (await fetch(`${cp.url}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/);
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{method="GET",route="\/readyz",status="200",le="\+Inf"\} 1/,
    );
    expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).not.toContain("/no/such/page");
    expect(text).toMatch(/db_pool_max_connections 1/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
    expect(text).toMatch(/event_loop_lag_seconds [\d.e-]+/);
  });

  test("a JSON client gets a stable error code for an unknown route", async () => {
    const res = await fetch(`${cp.url}/api/nothing`, { headers: { accept: "application/json" } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe("not_found");
    expect(body.error.requestId).toBe(res.headers.get("x-request-id") as string);
  });

  test("SIGTERM through npm stops it cleanly within 5 s", async () => {
    const started = performance.now();
    // npm reports its own SIGTERM as 143 whatever the script did; what matters is that
    // Kilusi itself shut down in order (the direct-process test below checks its exit code).
    await cp.stop("SIGTERM");
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(cp.logs.map((l) => l.msg)).toContain("stopped");
  });
});

/** Sends a request whose body arrives slowly, so it is in flight while we signal. */
function slowRequest(url: string, path: string, body: string, firstPart: number) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let response = "";
  socket.on("data", (d) => {
    response += d.toString();
  });
  const done = new Promise<string>((resolve) => socket.on("close", () => resolve(response)));
  const opened = new Promise<void>((resolve) => socket.on("connect", () => resolve()));
  return {
    async start() {
      await opened;
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nOrigin: ${url}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, firstPart)}`,
      );
    },
    finish: () => socket.write(body.slice(firstPart)),
    done,
  };
}

describe("graceful shutdown", () => {
  test("SIGTERM during a slow request lets it finish, refuses new connections and exits 0 within 5 s", async () => {
    const cp = await startControlPlaneProcess();
    // A browser's idle keep-alive connection must not hold the shutdown up.
    const idle = connect(Number(new URL(cp.url).port), "127.0.0.1");
    await new Promise((resolve) => idle.once("connect", resolve));
    idle.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    await new Promise((resolve) => idle.once("data", resolve));
    const req = slowRequest(cp.url, "/lang", "lang=en&next=%2F", 5);
    await req.start();
    await Bun.sleep(200);
    const signalled = performance.now();
    cp.proc.kill("SIGTERM");
    await Bun.sleep(1_000);
    const refused = await fetch(`${cp.url}/healthz`).then(
      () => false,
      () => true,
    );
    req.finish();
    const response = await req.done;
    const code = await cp.proc.exited;
    const elapsed = performance.now() - signalled;
    expect(response).toStartWith("HTTP/1.1 303");
    expect(refused).toBe(true);
    expect(code).toBe(0);
    expect(elapsed).toBeLessThan(5_000);
    expect(cp.logs.map((l) => l.msg)).toContain("stopped");
    idle.destroy();
  });
});

describe("bad configuration stops the process with one line naming the key", () => {
  const run = async (env: Record<string, string>) => {
    const proc = Bun.spawn([process.execPath, "control-plane/src/main.ts"], {
      cwd: repoRoot,
      env: { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), "kilusi-cfg-")), ...env },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    return { code, lines: stderr.trim().split("\n") };
  };

  test.each([
    [{ PORT: "abc" }, "PORT"],
    [{ DATABASE_URL: "nonsense" }, "DATABASE_URL"],
    [{ NODE_ENV: "production" }, "APP_MASTER_KEY"],
  ])("%j", async (env, key) => {
    const { code, lines } = await run(env);
    expect(code).not.toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStartWith(`kilusi: config: ${key} `);
  });

  test("an unreachable database names DATABASE_URL", async () => {
    const { code, lines } = await run({ DATABASE_URL: "postgres://nobody@127.0.0.1:1/kilusi" });
    expect(code).not.toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStartWith("kilusi: config: DATABASE_URL cannot connect");
  });
});

const havePostgres = requirePeer("PostgreSQL", await postgresReachable(), postgresHint);
const haveMosquitto = requirePeer("Mosquitto", await mosquittoReachable(), mosquittoHint);

if (havePostgres && haveMosquitto) {
  describe("on PostgreSQL and Mosquitto (DATABASE_URL and MQTT_URL)", () => {
    test("starts, migrates, reports ready and stops cleanly", async () => {
      const scratch = await createScratchDatabase();
      try {
        const cp = await startControlPlaneProcess({ env: { DATABASE_URL: scratch.url, MQTT_URL: mosquittoUrl } });
        const ready = await fetch(`${cp.url}/readyz`);
        expect(await ready.json()).toEqual({
          status: "ready",
          checks: { database: { ok: true }, broker: { ok: true } },
        });
        expect(await (await fetch(`${cp.url}/metrics`)).text()).toMatch(/db_pool_max_connections 10/);
        expect(cp.logs.find((l) => l.msg === "listening")).toMatchObject({ database: "postgres", broker: "external" });
        expect(await cp.stop()).toBe(0);
      } finally {
        await scratch.drop();
      }
    });
  });
}

test("an unreachable broker keeps the site up but not ready", async () => {
  const cp = await startControlPlaneProcess({ env: { MQTT_URL: "mqtt://127.0.0.1:1" } });
  try {
    expect((await fetch(`${cp.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${cp.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: "unavailable",
      checks: { database: { ok: true }, broker: { ok: false, error: "not connected" } },
    });
  } finally {
    await cp.stop();
  }
});
