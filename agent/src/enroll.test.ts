// `kilusi-agent enroll` as a real process against an HTTP endpoint playing the control plane.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "bun";
import { readCredentials } from "./store/credentials.ts";
import { openStoreDatabase, STORE_FILE } from "./store/database.ts";
import { Journal } from "./store/journal.ts";
import { DesiredStateStore } from "./store/store.ts";
import { removeTempDirs, tempDataDir } from "./testing/fixtures.ts";
import { captureLogs } from "./testing/logs.ts";
import { runCli } from "./testing/process.ts";
import { AGENT_VERSION } from "./version.ts";

const site = { tenantId: randomUUID(), siteId: randomUUID() };
const requests: Record<string, unknown>[] = [];
let issued = 0;
let server: Server<undefined>;

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "0.0.0.0",
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method !== "POST" || url.pathname !== "/base/api/v1/agent/enroll")
        return new Response("no", { status: 404 });
      const body = (await req.json()) as Record<string, unknown>;
      requests.push(body);
      if (body.token !== "good-token") {
        return Response.json(
          { error: { code: "enrollment.invalid_token", message: "The enrollment token is not valid." } },
          { status: 401 },
        );
      }
      issued++;
      return Response.json({
        ...site,
        siteName: "Warung Net",
        agentId: body.agentId,
        mqtt: {
          url: "mqtts://broker.example.com:8883",
          username: `agent-${issued}`,
          password: `pw-${issued}-secret`,
          caPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        },
        protocols: [1],
      });
    },
  });
});
afterAll(async () => {
  await server.stop(true);
  removeTempDirs();
});

const base = () => `http://127.0.0.1:${server.port}/base`;

describe("enroll", () => {
  test("stores the credentials (0600, password never printed); enrolling again keeps agentId, journal and state", async () => {
    const dataDir = tempDataDir();
    const env = { KILUSI_AGENT_DATA_DIR: dataDir };
    const first = await runCli(["enroll", `${base()}/`, "good-token"], env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`enrolled at site "Warung Net" (tenant ${site.tenantId}, site ${site.siteId})`);
    expect(first.stdout + first.stderr).not.toContain("secret");
    expect(statSync(join(dataDir, STORE_FILE)).mode & 0o777).toBe(0o600);
    const sent = requests.at(-1) as Record<string, unknown>;
    expect(sent).toMatchObject({ token: "good-token", agentVersion: AGENT_VERSION, hostname: expect.any(String) });

    const db = openStoreDatabase(dataDir);
    expect(sent.agentId).toBe(db.installationId);
    expect(readCredentials(db)).toMatchObject({
      ...site,
      mqtt: { password: "pw-1-secret", caPem: expect.stringContaining("BEGIN") },
    });
    // The site's state and journal, which a second enrollment must not touch.
    new DesiredStateStore(db).applyChanges({
      v: 1,
      sinceRevision: 0,
      toRevision: 1,
      currentRevision: 1,
      changes: [{ revision: 1, kind: "nas", key: "a", op: "upsert", reason: null, data: { ip: "10.0.0.1" } }],
    });
    await new Journal(db, { maxBytes: 1 << 20, groupCommitMs: 1, logger: captureLogs().logger }).append(
      "agent.event",
      {},
    );
    db.close();

    const status = JSON.parse((await runCli(["status"], env)).stdout);
    expect(status).toMatchObject({
      agentId: sent.agentId,
      enrolled: true,
      ...site,
      siteName: "Warung Net",
      appliedRevision: 1,
    });
    expect(JSON.stringify(status)).not.toContain("secret");

    const second = await runCli(["enroll", base(), "good-token"], env);
    expect(second.code).toBe(0);
    expect((requests.at(-1) as Record<string, unknown>).agentId).toBe(sent.agentId);
    const after = openStoreDatabase(dataDir);
    expect(readCredentials(after)?.mqtt.password).toBe("pw-2-secret");
    expect(new DesiredStateStore(after).appliedRevision()).toBe(1);
    expect((after.db.query("select count(*) as n from journal").get() as { n: number }).n).toBe(1);
    after.close();
  });

  test("a refusal prints the cloud's code and message and exits 2", async () => {
    const dataDir = tempDataDir();
    const refused = await runCli(["enroll", base(), "stolen-token"], { KILUSI_AGENT_DATA_DIR: dataDir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "kilusi-agent: enrollment refused: enrollment.invalid_token: The enrollment token is not valid.\n",
    );
    const db = openStoreDatabase(dataDir);
    expect(readCredentials(db)).toBeNull();
    db.close();
  });

  test("plain http:// to a host that is not loopback is refused unless --insecure", async () => {
    const dataDir = tempDataDir();
    const url = `http://0.0.0.0:${server.port}/base`; // reaches this machine, but is not a loopback name
    const refused = await runCli(["enroll", url, "good-token"], { KILUSI_AGENT_DATA_DIR: dataDir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^kilusi-agent: refusing plain http:\/\/ to 0\.0\.0\.0: .*--insecure/);
    const insecure = await runCli(["enroll", url, "good-token", "--insecure"], { KILUSI_AGENT_DATA_DIR: dataDir });
    expect(insecure.stderr).toBe("");
    expect(insecure.code).toBe(0);
  });

  test("an unreachable control plane exits 1; run without enrollment exits 1 saying what to do", async () => {
    const dataDir = tempDataDir();
    const unreachable = await runCli(["enroll", "http://127.0.0.1:9/", "t"], { KILUSI_AGENT_DATA_DIR: dataDir });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^kilusi-agent: enrollment failed: cannot reach http:\/\/127\.0\.0\.1:9/);
    const run = await runCli(["run"], { KILUSI_AGENT_DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^kilusi-agent: not enrolled .*kilusi-agent enroll <url> <token>/);
  });
});
