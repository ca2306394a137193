// Helpers for the team, invitation, profile, settings and audit-page tests. Not imported by the app.

import { expect } from "bun:test";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import { and, desc, eq } from "drizzle-orm";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { browserAt, PASSWORD, personByEmail } from "../accounts/accounts.testing.ts";
import type { Clock } from "../clock.ts";
import { notificationOutbox } from "../notifications/notifications.tables.ts";
import { notificationParams } from "../notifications/outbox.ts";
import type { AssembledControlPlane } from "../runtime.ts";

/** Text a hostile person types into every field we accept. */
export const XSS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "{{7*7}}",
  "'; drop table users; --",
] as const;

/** What hono/jsx makes of text in content and attribute values. */
export function escaped(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Fails when any payload that contains markup appears raw; the escaped form must be there. */
export function expectEscaped(html: string, payload: string): void {
  if (/[<>"']/.test(payload)) expect(html).not.toContain(payload);
  expect(html).toContain(escaped(payload));
}

let n = 0;
export const uniqueEmail = (prefix = "staf") => `${prefix}-${Date.now().toString(36)}${++n}@example.test`;

/** The invitation link the outbox holds for this address (the newest one). */
export async function invitationLink(cp: AssembledControlPlane, tenantId: string, email: string): Promise<string> {
  const [row] = await cp.database.withTenant(tenantId, (tx) =>
    tx
      .select({
        id: notificationOutbox.id,
        params: notificationOutbox.params,
        sealedParams: notificationOutbox.sealedParams,
      })
      .from(notificationOutbox)
      .where(and(eq(notificationOutbox.recipient, email), eq(notificationOutbox.template, "invitation")))
      .orderBy(desc(notificationOutbox.createdAt)),
  );
  const link = row ? notificationParams(cp, row).link : undefined;
  if (!link) throw new Error(`no invitation for ${email}`);
  return link;
}

export const pathOf = (link: string) => new URL(link).pathname;

export async function invite(owner: TestClient, email: string, role: string): Promise<Response> {
  const res = await owner.post("/team/invite", { email, role });
  if (res.status !== 303) throw new Error(`invite failed: ${res.status} ${await res.text()}`);
  return res;
}

/** A new person invited by `owner` who accepts with a new account; their browser is left signed in. */
export async function join(
  cp: AssembledControlPlane,
  owner: TestClient,
  tenantId: string,
  role: string,
  name = "Siti Teknisi",
) {
  const email = uniqueEmail(role);
  await invite(owner, email, role);
  const path = pathOf(await invitationLink(cp, tenantId, email));
  const browser = browserAt(cp);
  const res = await browser.post(path, { name, password: PASSWORD });
  if (res.status !== 303) throw new Error(`accept failed: ${res.status} ${await res.text()}`);
  const { user } = await personByEmail(cp.database, email);
  return { browser, email, userId: user.id, path };
}

/** Signs in from a fresh browser (no second factor). */
export async function signIn(cp: AssembledControlPlane, email: string, password = PASSWORD) {
  const browser = browserAt(cp);
  const res = await browser.post("/login", { email, password });
  return { browser, res };
}

/** The manual-entry key of the two-factor page, and a code from it at the clock's time. */
export function keyOf(html: string): Uint8Array {
  const match = /<code class="adm-key">([A-Z2-7 ]+)<\/code>/.exec(html);
  if (!match?.[1]) throw new Error("no key on the page");
  return decodeBase32IgnorePadding(match[1].replaceAll(" ", ""));
}

export function totpAt(key: Uint8Array, clock: Clock): string {
  return generateHOTP(key, BigInt(Math.floor(clock.now().getTime() / 30_000)), 6);
}

export const htmx = { "hx-request": "true" };
