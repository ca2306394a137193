import { afterAll, describe, expect, test } from "bun:test";
import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { startAgent } from "../agent.ts";
import { enrolledDataDir, removeTempDirs, testConfig } from "../testing/fixtures.ts";
import { captureLogs } from "../testing/logs.ts";
import { runCli } from "../testing/process.ts";
import { RadiusBindError } from "./server/radius-server.ts";
import { startTestSite } from "./server/test-site.ts";

afterAll(removeTempDirs);

async function occupied(): Promise<{ port: number; close(): void }> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  return { port: (socket.address() as AddressInfo).port, close: () => socket.close() };
}

describe("startRadius", () => {
  test("a port in use: a RadiusBindError naming the address:port, and nothing left bound", async () => {
    const taken = await occupied();
    const free = await occupied();
    free.close();
    try {
      const attempt = startTestSite({ radius: { authPort: free.port, acctPort: taken.port } });
      await expect(attempt).rejects.toBeInstanceOf(RadiusBindError);
      await expect(attempt).rejects.toThrow(`RADIUS cannot listen on udp 127.0.0.1:${taken.port}: the port is in use`);
      // The auth port, bound before the accounting port failed, was let go.
      const again = createSocket("udp4");
      await new Promise<void>((resolve, reject) => {
        again.once("error", reject);
        again.bind(free.port, "127.0.0.1", () => resolve());
      });
      again.close();
    } finally {
      taken.close();
    }
  });

  test("the bound ports are the ones reported, and close() frees them", async () => {
    const site = await startTestSite();
    const { authPort, acctPort } = site.radius;
    expect(authPort).toBeGreaterThan(0);
    expect(acctPort).not.toBe(authPort);
    await site.close();
    const again = await startTestSite({ radius: { authPort, acctPort } });
    expect([again.radius.authPort, again.radius.acctPort]).toEqual([authPort, acctPort]);
    await again.close();
  });
});

describe("in the agent", () => {
  const mqtt = "mqtt://127.0.0.1:9";

  test("enabled: its ports and counters are in the status; stop() closes them", async () => {
    const { dataDir } = enrolledDataDir(mqtt);
    const agent = await startAgent(testConfig(dataDir), captureLogs().logger);
    const radius = agent.status().radius;
    expect(radius).toMatchObject({ received: 0, nases: 0, sessions: 0 });
    expect(radius?.authPort).toBe(agent.radius?.authPort as number);
    await agent.stop();
    const freed = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      freed.once("error", reject);
      freed.bind(radius?.authPort, "127.0.0.1", () => resolve());
    });
    freed.close();
  });

  test("disabled: no RADIUS, status says null", async () => {
    const { dataDir } = enrolledDataDir(mqtt);
    const agent = await startAgent(testConfig(dataDir, { KILUSI_AGENT_RADIUS_ENABLED: "false" }), captureLogs().logger);
    expect(agent.radius).toBeNull();
    expect(agent.status().radius).toBeNull();
    await agent.stop();
  });

  test("a port in use: the agent refuses to start with the address:port, and its store is closed", async () => {
    const taken = await occupied();
    try {
      const { dataDir } = enrolledDataDir(mqtt);
      const config = testConfig(dataDir, { KILUSI_AGENT_RADIUS_AUTH_PORT: String(taken.port) });
      await expect(startAgent(config, captureLogs().logger)).rejects.toThrow(`127.0.0.1:${taken.port}`);
      // The store was closed: a second start can open it (and fails the same way, not on a lock).
      await expect(startAgent(config, captureLogs().logger)).rejects.toBeInstanceOf(RadiusBindError);
      // The command line says it in one line, no stack.
      const run = await runCli(["run"], {
        KILUSI_AGENT_DATA_DIR: dataDir,
        KILUSI_AGENT_RADIUS_AUTH_PORT: String(taken.port),
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `kilusi-agent: RADIUS cannot listen on udp 127.0.0.1:${taken.port}: the port is in use\n`,
      );
    } finally {
      taken.close();
    }
  });
});
