// mqtts with the CA received at enrollment: a real TLS broker whose certificate only that CA signs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startAgent } from "../agent.ts";
import { readCredentials, writeCredentials } from "../store/credentials.ts";
import { openStoreDatabase } from "../store/database.ts";
import { startTestBroker, type TestBroker } from "../testing/broker.ts";
import { enrolledDataDir, removeTempDirs, tempDataDir, testConfig } from "../testing/fixtures.ts";
import { captureLogs, eventually } from "../testing/logs.ts";

const openssl = Bun.which("openssl");
if (!openssl) console.warn("\n⚠ openssl missing: the mqtts tests are SKIPPED (apt-get install openssl)\n");

let broker: TestBroker;
let caPem: string;

beforeAll(async () => {
  if (!openssl) return;
  const dir = tempDataDir();
  const sh = (args: string[]) => {
    const r = Bun.spawnSync([openssl, ...args], { cwd: dir });
    if (r.exitCode !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr.toString()}`);
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  sh(["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=Kilusi test CA"]);
  sh(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  await Bun.write(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  sh(
    ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"].concat([
      "-out",
      "server.pem",
      "-days",
      "1",
      "-extfile",
      "san.ext",
    ]),
  );
  caPem = await Bun.file(join(dir, "ca.pem")).text();
  broker = await startTestBroker(0, {
    key: await Bun.file(join(dir, "server.key")).text(),
    cert: await Bun.file(join(dir, "server.pem")).text(),
  });
});
afterAll(async () => {
  await broker?.close();
  removeTempDirs();
});

function withCa(dataDir: string, ca: string | null) {
  const db = openStoreDatabase(dataDir);
  const creds = readCredentials(db);
  if (!creds) throw new Error("not enrolled");
  writeCredentials(db, { ...creds, mqtt: { ...creds.mqtt, caPem: ca } });
  db.close();
}

describe.skipIf(!openssl)("mqtts", () => {
  test("the enrolled CA is trusted for the broker's certificate; without it the connection is refused", async () => {
    const trusted = enrolledDataDir(broker.url);
    withCa(trusted.dataDir, caPem);
    const logs = captureLogs();
    const agent = await startAgent(testConfig(trusted.dataDir), logs.logger);
    try {
      await eventually("connected over TLS", () => agent.status().connected);
    } finally {
      await agent.stop();
    }

    const untrusted = enrolledDataDir(broker.url); // caPem null: only the system's CAs
    const logs2 = captureLogs();
    const refused = await startAgent(testConfig(untrusted.dataDir), logs2.logger);
    try {
      const warn = await eventually("outage logged", () => logs2.find("unreachable")[0]);
      expect(String(warn.err)).toMatch(/certificate|self.signed|verify/i);
      expect(refused.status().connected).toBe(false);
    } finally {
      await refused.stop();
    }
  });
});
