import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AssembledControlPlane } from "../../control-plane/src/runtime.ts";
import { assembleTestControlPlane } from "../support/app.ts";
import { TestClient } from "../support/http-client.ts";

// The security headers every kind of answer carries, written out in full: a change to any of
// them must be a deliberate edit here.
const EXPECTED = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "x-permitted-cross-domain-policies": "none",
};

const snapshot = (res: Response) =>
  Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, res.headers.get(name)]));

describe("security headers", () => {
  let cp: AssembledControlPlane;
  let client: TestClient;
  beforeAll(async () => {
    cp = await assembleTestControlPlane();
    client = new TestClient((r) => cp.app.fetch(r));
  });
  afterAll(() => cp.close());

  test("on a full page", async () => {
    const res = await client.get("/");
    expect(res.status).toBe(200);
    expect(snapshot(res)).toEqual(EXPECTED);
    expect(res.headers.get("x-powered-by")).toBeNull();
  });

  test("on an HTMX fragment", async () => {
    const res = await client.get("/no/such/thing", { "hx-request": "true" });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("<html");
    expect(snapshot(res)).toEqual(EXPECTED);
  });

  test("on an error page", async () => {
    const res = await client.get("/no/such/thing");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("<html");
    expect(snapshot(res)).toEqual(EXPECTED);
  });

  test("on a JSON error and on a static asset", async () => {
    expect(snapshot(await client.get("/api/nothing", { accept: "application/json" }))).toEqual(EXPECTED);
    const html = await (await client.get("/")).text();
    const css = /href="(\/assets\/app\.[0-9a-f]+\.css)"/.exec(html)?.[1] as string;
    expect(snapshot(await client.get(css))).toEqual(EXPECTED);
  });

  test("CORS is off by default: no Access-Control-Allow-Origin for another origin", async () => {
    const res = await client.get("/api/nothing", { origin: "https://evil.example", accept: "application/json" });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("CORS allow-list for the API", () => {
  let cp: AssembledControlPlane;
  let client: TestClient;
  beforeAll(async () => {
    cp = await assembleTestControlPlane({ CORS_ALLOWED_ORIGINS: "https://app.isp.example" });
    client = new TestClient((r) => cp.app.fetch(r));
  });
  afterAll(() => cp.close());

  test("a listed origin is allowed on /api, others are not, pages never", async () => {
    const listed = await client.get("/api/nothing", { origin: "https://app.isp.example", accept: "application/json" });
    expect(listed.headers.get("access-control-allow-origin")).toBe("https://app.isp.example");
    const other = await client.get("/api/nothing", { origin: "https://evil.example", accept: "application/json" });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const page = await client.get("/", { origin: "https://app.isp.example" });
    expect(page.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("cross-site request forgery", () => {
  let cp: AssembledControlPlane;
  let client: TestClient;
  beforeAll(async () => {
    cp = await assembleTestControlPlane();
    client = new TestClient((r) => cp.app.fetch(r));
  });
  afterAll(() => cp.close());

  test.each([
    ["another Origin", { origin: "https://evil.example" }],
    ["a lookalike Origin", { origin: "http://localhost.evil.example" }],
    ["Origin null", { origin: "null" }],
    ["no Origin, cross-site fetch metadata", { origin: "", "sec-fetch-site": "cross-site" }],
    ["neither Origin nor fetch metadata", { origin: "" }],
  ])("a POST with %s is refused with 403", async (_name, headers) => {
    const h: Record<string, string> = { ...headers };
    const res = await cp.app.fetch(
      new Request("http://localhost/lang", {
        method: "POST",
        body: "lang=en&next=/",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
          ...Object.fromEntries(Object.entries(h).filter(([, v]) => v !== "")),
        },
      }),
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("csrf_rejected");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  test("JSON bodies are checked too", async () => {
    const res = await cp.app.fetch(
      new Request("http://localhost/lang", {
        method: "POST",
        body: JSON.stringify({ lang: "en" }),
        headers: { "content-type": "application/json", origin: "https://evil.example" },
      }),
    );
    expect(res.status).toBe(403);
  });

  test("the same origin, or same-origin fetch metadata, is let through", async () => {
    expect((await client.post("/lang", { lang: "en", next: "/" })).status).toBe(303);
    const res = await cp.app.fetch(
      new Request("http://localhost/lang", {
        method: "POST",
        body: "lang=id&next=/",
        headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
      }),
    );
    expect(res.status).toBe(303);
  });
});
