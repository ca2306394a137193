import { beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { gunzipSync } from "node:zlib";
import { type AssetUrls, assetSources, htmxVersion } from "@kilusi/web/assets.ts";
import type { Hono } from "hono";
import { loadAssets } from "./assets.ts";

const fromWeb = createRequire(new URL("../../../web/package.json", import.meta.url));

let routes: Hono;
let urls: AssetUrls;
let htmxBytes: Uint8Array<ArrayBuffer>;
let cssBytes: Uint8Array<ArrayBuffer>;

beforeAll(async () => {
  ({ routes, urls } = await loadAssets());
  htmxBytes = new Uint8Array(await readFile(fromWeb.resolve("htmx.org/dist/htmx.min.js")));
  // Every area's stylesheet, in the listed order, one newline between files.
  const parts = await Promise.all(
    assetSources.css.sources.map((source) => readFile(new URL(`../../../web/${source}`, import.meta.url), "utf8")),
  );
  cssBytes = new TextEncoder().encode(parts.join("\n"));
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

describe("loadAssets", () => {
  test("the stylesheet is every area's file, app.css first", () => {
    const text = new TextDecoder().decode(cssBytes);
    expect(text.startsWith("/*\n * Kilusi — the one stylesheet.")).toBe(true);
    for (const source of assetSources.css.sources) expect(source).toMatch(/^\.\/assets\/[a-z-]+\.css$/);
  });

  test("names each asset by the hash of its bytes", () => {
    expect(urls.css).toBe(`/assets/app.${sha256(cssBytes).slice(0, 10)}.css`);
    expect(urls.htmx).toBe(`/assets/htmx-${htmxVersion}.${sha256(htmxBytes).slice(0, 10)}.js`);
  });

  test("pins the htmx the package manager installed", () => {
    expect(fromWeb("htmx.org/package.json").version).toBe(htmxVersion);
    expect(new TextDecoder().decode(htmxBytes)).toContain(`version:"${htmxVersion}"`);
  });

  test("serves the stylesheet with immutable caching and its content type", async () => {
    const res = await routes.request(urls.css);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await bytesOf(res)).toEqual(cssBytes);
  });

  test("serves htmx byte for byte as installed", async () => {
    const res = await routes.request(urls.htmx);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await bytesOf(res)).toEqual(htmxBytes);
  });

  test("answers a matching If-None-Match with 304 and no body", async () => {
    const etag = (await routes.request(urls.htmx)).headers.get("etag") ?? "";
    const res = await routes.request(urls.htmx, { headers: { "if-none-match": `"other", W/${etag}` } });
    expect(res.status).toBe(304);
    expect(res.headers.get("etag")).toBe(etag);
    expect(await res.text()).toBe("");
  });

  test("sends the precompressed copy to clients that accept gzip", async () => {
    const res = await routes.request(urls.htmx, { headers: { "accept-encoding": "br, gzip;q=0.8" } });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    expect(res.headers.get("etag")).not.toBe((await routes.request(urls.htmx)).headers.get("etag"));
    const body = await bytesOf(res);
    expect(body.length).toBeLessThan(htmxBytes.length / 2);
    expect(new Uint8Array(gunzipSync(body))).toEqual(htmxBytes);

    const refused = await routes.request(urls.htmx, { headers: { "accept-encoding": "gzip;q=0" } });
    expect(refused.headers.get("content-encoding")).toBeNull();
  });

  test("answers HEAD without a body", async () => {
    const res = await routes.request(urls.css, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(await res.text()).toBe("");
  });

  test.each([
    ["/assets/app.css"],
    ["/assets/app.0000000000.css"],
    ["/assets/htmx.min.js"],
    ["/assets/..%2Fpackage.json"],
    ["/assets/"],
  ])("404s an unknown asset %s", async (path) => {
    const res = await routes.request(path);
    expect(res.status).toBe(404);
    expect(res.headers.get("cache-control")).toBeNull();
  });
});
