import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { browserAt, signUp } from "../../control-plane/src/accounts/accounts.testing.ts";
import { systemClock } from "../../control-plane/src/clock.ts";
import type { AssembledControlPlane } from "../../control-plane/src/runtime.ts";
import { invitationLink, invite, keyOf, totpAt } from "../../control-plane/src/team/team.testing.ts";
import { assembleTestControlPlane } from "../support/app.ts";
import { requirePeer } from "../support/peers.ts";
import { createScratchDatabase, postgresHint, postgresReachable } from "../support/postgres.ts";

// ASVS 2.10 / 3.5: a stolen backup must not sign anyone in. Every kind of token the product
// issues is issued through the pages, then the database is dumped with pg_dump and searched.

const havePostgres = requirePeer("PostgreSQL", await postgresReachable(), postgresHint);
const havePgDump = requirePeer("pg_dump", Bun.which("pg_dump") !== null, "apt-get install postgresql-client");

describe.if(havePostgres && havePgDump)("a database dump", () => {
  let cp: AssembledControlPlane;
  let url: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const scratch = await createScratchDatabase();
    url = scratch.url;
    drop = scratch.drop;
    cp = await assembleTestControlPlane({ DATABASE_URL: scratch.url });
  });
  afterAll(async () => {
    await cp?.close();
    await drop?.();
  });

  function dump(): string {
    const run = Bun.spawnSync(["pg_dump", "--data-only", "--no-owner", url]);
    if (run.exitCode !== 0) throw new Error(`pg_dump failed: ${run.stderr.toString()}`);
    return run.stdout.toString();
  }

  test("holds no issued session, reset or invitation token, two-factor key or recovery code", async () => {
    const owner = await signUp(cp);
    const again = browserAt(cp);
    expect((await again.post("/login", { email: owner.fields.email, password: owner.fields.password })).status).toBe(
      303,
    );
    const sessionTokens = [owner.browser, again].map((b) => b.cookies.get("kilusi_session") as string);

    const staff = `tech-${crypto.randomUUID()}@example.test`;
    await invite(owner.browser, staff, "technician");
    const invitation = (await invitationLink(cp, owner.tenantId, staff)).split("/").at(-1) as string;

    expect((await browserAt(cp).post("/forgot", { email: owner.fields.email })).status).toBeLessThan(400);
    const outbox = await (await browserAt(cp).get("/dev/notifications")).text();
    const reset = /\/reset\/([^"<\s]+)/.exec(outbox)?.[1] as string;

    expect((await owner.browser.post("/profile/2fa/setup", {})).status).toBe(303);
    const setup = await (await owner.browser.get("/profile/2fa")).text();
    const key = keyOf(setup);
    const keyText = (/<code class="adm-key">([A-Z2-7 ]+)<\/code>/.exec(setup)?.[1] ?? "").replaceAll(" ", "");
    const confirmed = await owner.browser.post("/profile/2fa/confirm", { code: totpAt(key, systemClock) });
    const codes = [...(await confirmed.text()).matchAll(/<code>([a-z2-9]{6}-[a-z2-9]{6})<\/code>/g)].map(
      (m) => m[1] as string,
    );

    const siteId = /href="\/sites\/([0-9a-f-]{36})"/.exec(await (await owner.browser.get("/sites")).text())?.[1];
    const enrolling = await (await owner.browser.post(`/sites/${siteId}/enrollment-token`, {})).text();
    const enrollment = (/<code id="site-enroll-token">([^<]+)<\/code>/.exec(enrolling)?.[1] ?? "").split(".");

    const secrets = {
      ...Object.fromEntries(sessionTokens.map((token, i) => [`session ${i}`, token.split(".")[1] as string])),
      invitation: invitation.split(".")[1] as string,
      reset: reset.split(".")[1] as string,
      "two-factor key": keyText,
      "agent enrollment": enrollment[2] as string,
      "two-factor key, hex": Buffer.from(key).toString("hex"),
      "two-factor key, base64": Buffer.from(key).toString("base64"),
      ...Object.fromEntries(codes.flatMap((code, i) => [[`recovery code ${i}`, code.replace("-", "")]])),
    };
    const short = Object.entries(secrets).filter(([, secret]) => !/^.{12,}$/.test(secret));
    expect(short).toEqual([]);
    expect(codes).toHaveLength(10);

    const text = dump();
    // The search finds what is there: the people, the sessions' ids, the links' ids.
    expect(text).toContain(owner.fields.email);
    expect(text).toContain(sessionTokens[0]?.split(".")[0] as string);
    expect(text).toContain(invitation.split(".")[0] as string);
    expect(text).toContain(enrollment[1] as string);
    const found = Object.entries(secrets)
      .filter(([, secret]) => text.toLowerCase().includes(secret.toLowerCase()))
      .map(([what]) => what);
    expect(found).toEqual([]);
  });
});
