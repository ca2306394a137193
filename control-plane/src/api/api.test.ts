import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { browserAt, MINUTE, manualClock, PASSWORD, signUp } from "../accounts/accounts.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";

const json = { accept: "application/json" };
const clock = manualClock();
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({ API_RATE_LIMIT_PER_MINUTE: "3" }, clock);
});
afterAll(() => cp.close());

/** Moves the clock to the start of the next minute: a fresh API window for everyone. */
function nextWindow() {
  const now = clock.now().getTime();
  clock.advance(MINUTE - (now % MINUTE));
}

describe("GET /api/v1/me", () => {
  test("says who is calling and in which ISP; nothing else about them", async () => {
    nextWindow();
    const owner = await signUp(cp);
    const res = await owner.browser.get("/api/v1/me", json);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      user: { id: owner.user.id, name: owner.fields.ownerName, email: owner.fields.email },
      tenant: { id: owner.tenantId, slug: owner.fields.slug, name: owner.fields.ispName },
      role: "owner",
    });
  });

  test("without a session: 401 with a stable code, no redirect", async () => {
    nextWindow();
    const res = await browserAt(cp).get("/api/v1/me", json);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
  });
});

describe("the API budget", () => {
  test("is per ISP: its staff share it, another ISP is not touched, and it comes back next minute", async () => {
    nextWindow();
    const a = await signUp(cp);
    const b = await signUp(cp);
    // A second browser of the same ISP, from another address.
    const colleague = browserAt(cp);
    expect((await colleague.post("/login", { email: a.fields.email, password: PASSWORD })).status).toBe(303);

    const statuses = [];
    for (const client of [a.browser, colleague, a.browser])
      statuses.push((await client.get("/api/v1/me", json)).status);
    expect(statuses).toEqual([200, 200, 200]);
    expect((await a.browser.get("/api/v1/me", json)).headers.get("ratelimit-remaining")).toBe("0");

    const refused = await colleague.get("/api/v1/me", json);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);

    expect((await b.browser.get("/api/v1/me", json)).status).toBe(200);
    // Pages are not part of the API budget.
    expect((await a.browser.get("/app")).status).toBe(200);

    clock.advance(wait * 1000);
    expect((await a.browser.get("/api/v1/me", json)).status).toBe(200);
  });

  test("without a session it is counted per client address", async () => {
    nextWindow();
    const stranger = browserAt(cp);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await stranger.get("/api/v1/me", json)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await browserAt(cp).get("/api/v1/me", json)).status).toBe(401);
  });
});
