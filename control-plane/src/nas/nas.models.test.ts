import { describe, expect, test } from "bun:test";
import { generateNasSecret, overlapState, routerOsLines } from "./nas.models.ts";

describe("a router's secret", () => {
  test("24 random bytes as 32 base64url characters, different every time", () => {
    const secrets = new Set(Array.from({ length: 200 }, generateNasSecret));
    expect(secrets.size).toBe(200);
    for (const s of secrets) {
      expect(s).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(Buffer.from(s, "base64url")).toHaveLength(24);
    }
  });
});

describe("the RouterOS lines", () => {
  test("the router's address, CoA port and BlastRADIUS setting; the secret or its placeholder", () => {
    const lines = routerOsLines({
      address: "192.168.88.1",
      coaPort: 3799,
      requireMessageAuthenticator: true,
      secret: "abc_DEF-123",
    });
    expect(lines[0]).toBe(
      '/radius add service=ppp,hotspot address=<agent-ip> secret="abc_DEF-123" authentication-port=1812 accounting-port=1813 timeout=3s require-message-auth=yes-for-request-resp src-address=192.168.88.1',
    );
    expect(lines[1]).toBe("/radius incoming set accept=yes port=3799");
    const old = routerOsLines({
      address: "2001:db8::1",
      coaPort: 1700,
      requireMessageAuthenticator: false,
      secret: null,
    });
    expect(old[0]).toContain('secret="<secret>"');
    expect(old[0]).not.toContain("require-message-auth");
    expect(old[0]).toMatch(/ src-address=2001:db8::1$/);
  });
});

describe("the overlap", () => {
  test("none, running until its end, ended from it on", () => {
    const now = new Date("2026-05-01T00:00:00Z");
    expect(overlapState(null, now)).toBe("none");
    expect(overlapState(new Date(now.getTime() + 1), now)).toBe("running");
    expect(overlapState(now, now)).toBe("ended");
  });
});
