import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { parseConfig } from "../config/config.ts";
import { devOutboxRoutes } from "../notifications/dev-outbox.routes.tsx";
import { enqueueNotification } from "../notifications/outbox.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import {
  browserAt,
  MINUTE,
  manualClock,
  PASSWORD,
  servedAt,
  sessionCookie,
  signUp,
  textOfClass,
} from "./accounts.testing.ts";

const t = translator("id");
const clock = manualClock();
let cp: AssembledControlPlane;

beforeAll(async () => {
  // assembleTestControlPlane passes no NODE_ENV, so this is development: the log channel is on.
  // Reset links are built on PUBLIC_URL, not on whatever Host a request claims.
  cp = servedAt(await assembleTestControlPlane({ PUBLIC_URL: "http://kilusi.test" }, clock), "http://kilusi.test");
});
afterAll(() => cp.close());

const NEW_PASSWORD = "sebuah kata sandi yang baru sekali";

/** The reset links the development outbox shows for an address, newest first. */
async function resetLinks(email: string): Promise<string[]> {
  const res = await browserAt(cp).get("/dev/notifications");
  expect(res.status).toBe(200);
  const html = await res.text();
  const rows = html.split("<tr").filter((row) => row.includes(`<td>${email}</td>`));
  return rows.flatMap((row) =>
    [...row.matchAll(/<a href="(http:\/\/kilusi\.test\/reset\/[^"]+)"/g)].map((m) => m[1] as string),
  );
}

const pathOf = (link: string) => new URL(link).pathname;
const signIn = (browser: TestClient, email: string, password: string) => browser.post("/login", { email, password });

describe("password reset", () => {
  test("end to end: request, link in the outbox, new password, every session ended, old password gone", async () => {
    const { fields, browser: ownerBrowser } = await signUp(cp);
    const phone = browserAt(cp);
    expect((await signIn(phone, fields.email, PASSWORD)).status).toBe(303);

    const asked = await browserAt(cp).post("/forgot", { email: ` ${fields.email.toUpperCase()} ` });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain(t("accounts.forgot.sent.text"));

    const [link] = await resetLinks(fields.email);
    expect(link).toBeString();
    const visitor = browserAt(cp);
    const form = await visitor.get(pathOf(link as string));
    expect(form.status).toBe(200);
    expect(form.headers.get("cache-control")).toBe("no-store");
    expect(await form.text()).toContain('autocomplete="new-password"');

    const short = await visitor.post(pathOf(link as string), { password: "pendek" });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain(t("accounts.error.passwordTooShort"));

    const done = await visitor.post(pathOf(link as string), { password: NEW_PASSWORD });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/login?reset=1");
    expect(await (await visitor.get("/login?reset=1")).text()).toContain(t("accounts.login.resetDone"));

    // Both sessions that were open are gone.
    for (const b of [ownerBrowser, phone]) expect((await b.get("/app")).status).toBe(303);
    expect((await signIn(browserAt(cp), fields.email, PASSWORD)).status).toBe(401);
    expect((await signIn(browserAt(cp), fields.email, NEW_PASSWORD)).status).toBe(303);

    // The link works once.
    const again = await browserAt(cp).get(pathOf(link as string));
    expect(again.status).toBe(404);
    expect(await again.text()).toContain(t("accounts.reset.invalid.title"));
    const reuse = await browserAt(cp).post(pathOf(link as string), { password: "yet another long password" });
    expect(reuse.status).toBe(404);
    expect((await signIn(browserAt(cp), fields.email, "yet another long password")).status).toBe(401);
  });

  test("an unknown address gets exactly the same answer, and nothing is sent", async () => {
    const { fields } = await signUp(cp);
    const unknown = `nobody-${crypto.randomUUID()}@example.test`;
    const known = await browserAt(cp).post("/forgot", { email: fields.email });
    const missing = await browserAt(cp).post("/forgot", { email: unknown });
    expect(missing.status).toBe(known.status);
    expect(await missing.text()).toBe(await known.text());
    expect(await resetLinks(fields.email)).toHaveLength(1);
    expect(await resetLinks(unknown)).toHaveLength(0);
  });

  test("a link is dead after one hour", async () => {
    const { fields } = await signUp(cp);
    await browserAt(cp).post("/forgot", { email: fields.email });
    const [link] = await resetLinks(fields.email);
    clock.advance(59 * MINUTE);
    expect((await browserAt(cp).get(pathOf(link as string))).status).toBe(200);
    clock.advance(2 * MINUTE);
    expect((await browserAt(cp).get(pathOf(link as string))).status).toBe(404);
    const late = await browserAt(cp).post(pathOf(link as string), { password: NEW_PASSWORD });
    expect(late.status).toBe(404);
    expect(await late.text()).toContain(t("accounts.reset.invalid.text"));
    expect((await signIn(browserAt(cp), fields.email, PASSWORD)).status).toBe(303);
  });

  test("a tampered or made-up link is refused with the same page", async () => {
    const { fields } = await signUp(cp);
    await browserAt(cp).post("/forgot", { email: fields.email });
    const [link] = await resetLinks(fields.email);
    const path = pathOf(link as string);
    const tampered = `${path.slice(0, -1)}${path.endsWith("a") ? "b" : "a"}`;
    for (const p of [tampered, "/reset/nonsense", `/reset/${crypto.randomUUID()}.${"a".repeat(52)}`]) {
      const res = await browserAt(cp).get(p);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain(t("accounts.reset.invalid.title"));
    }
    expect((await browserAt(cp).get(path)).status).toBe(200);
  });

  test("more than 5 requests an hour from one address are refused with Retry-After", async () => {
    const browser = browserAt(cp);
    for (let i = 0; i < 5; i++)
      expect((await browser.post("/forgot", { email: `x${i}@example.test` })).status).toBe(200);
    const res = await browser.post("/forgot", { email: "x5@example.test" });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.text()).toContain('value="x5@example.test"');
  });

  test("a malformed address is named on the form", async () => {
    const res = await browserAt(cp).post("/forgot", { email: "bukan email" });
    expect(res.status).toBe(400);
    expect(textOfClass(await res.text(), "field-error")).toBe(t("accounts.error.invalidEmail"));
  });
});

describe("development outbox", () => {
  test("shows global messages to anyone and a tenant's messages only to its signed-in members", async () => {
    const { fields } = await signUp(cp);
    await browserAt(cp).post("/forgot", { email: fields.email });
    const res = await browserAt(cp).get("/dev/notifications");
    const html = await res.text();
    expect(html).toContain(t("devOutbox.title"));
    expect(html).toContain(`<td>${fields.email}</td>`);
    expect(html).toContain('data-template="password_reset"');
    expect(res.headers.get("cache-control")).toBe("no-store");

    const a = await signUp(cp);
    const b = await signUp(cp);
    const recipient = `tenant-only-${crypto.randomUUID()}@example.test`;
    await cp.database.withTenant(a.tenantId, (tx) =>
      enqueueNotification(tx, cp, { tenantId: a.tenantId, recipient, template: "invitation", params: { isp: "A" } }),
    );
    const seenBy = async (browser: TestClient) =>
      (await (await browser.get("/dev/notifications")).text()).includes(recipient);
    expect(await seenBy(a.browser)).toBe(true);
    expect(await seenBy(b.browser)).toBe(false);
    expect(await seenBy(browserAt(cp))).toBe(false);
    expect(sessionCookie(a.browser)).toBeString();
  });

  test("does not exist outside development on a loopback address", async () => {
    const key = Buffer.alloc(32, 1).toString("base64");
    const cases: [Record<string, string>, boolean][] = [
      [{}, true],
      [{ HOST: "::1" }, true],
      [{ NODE_ENV: "production", APP_MASTER_KEY: key }, false],
      [{ NODE_ENV: "test" }, false],
      // A server that forgot NODE_ENV but listens on the network does not show secrets.
      [{ HOST: "0.0.0.0" }, false],
      [{ HOST: "192.168.1.10" }, false],
    ];
    for (const [env, shown] of cases) {
      const routes = devOutboxRoutes({
        config: parseConfig(env),
        database: cp.database,
        secretBox: cp.secretBox,
        assets: { css: "/a.css", htmx: "/h.js" },
      });
      const res = await routes.request("/dev/notifications");
      expect({ env, status: res.status === 404 ? 404 : "shown" }).toEqual({ env, status: shown ? "shown" : 404 });
    }
  });
});
