import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type AssetUrls, assetSources } from "@kilusi/web/assets.ts";
import { Hono } from "hono";

const CONTENT_TYPES = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
} as const;

// The URL changes whenever the bytes do, so a browser may keep a copy for good.
const IMMUTABLE = "public, max-age=31536000, immutable";

type ServedAsset = {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  etag: string;
  contentType: string;
};

const NEWLINE = Buffer.from("\n");

const webDir = fileURLToPath(new URL("../../../web/", import.meta.url));

/** A `./` path is relative to the web package; anything else is a module resolved from it. */
function resolveSource(source: string): string {
  if (source.startsWith("./")) return join(webDir, source);
  return createRequire(join(webDir, "package.json")).resolve(source);
}

export interface LoadedAssets {
  urls: AssetUrls;
  routes: Hono;
}

/**
 * Reads every UI asset once, names it `<stem>.<sha256 prefix>.<ext>` and serves it from
 * memory under `/assets/:file`. Mount with `app.route("/", routes)`; hand `urls` to the layouts.
 */
export async function loadAssets(): Promise<LoadedAssets> {
  const files = new Map<string, ServedAsset>();
  const urls = {} as Record<keyof AssetUrls, string>;

  for (const key of Object.keys(assetSources) as (keyof AssetUrls)[]) {
    const { sources, stem, ext } = assetSources[key];
    const parts = await Promise.all(sources.map((source) => readFile(resolveSource(source))));
    const body = new Uint8Array(Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [part] : [NEWLINE, part]))));
    const digest = createHash("sha256").update(body).digest("hex");
    const name = `${stem}.${digest.slice(0, 10)}.${ext}`;
    files.set(name, {
      body,
      // Compressed once here rather than per request; most pages are read over mobile links.
      gzip: new Uint8Array(gzipSync(body, { level: 9 })),
      etag: `"${digest.slice(0, 32)}"`,
      contentType: CONTENT_TYPES[ext],
    });
    urls[key] = `/assets/${name}`;
  }

  const routes = new Hono();
  routes.get("/assets/:file", (c) => {
    const asset = files.get(c.req.param("file"));
    if (!asset) return c.notFound();
    const gzip = acceptsGzip(c.req.header("accept-encoding"));
    const etag = gzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
    c.header("Cache-Control", IMMUTABLE);
    c.header("ETag", etag);
    c.header("Vary", "Accept-Encoding");
    if (matchesEtag(c.req.header("if-none-match"), etag)) return c.body(null, 304);
    c.header("Content-Type", asset.contentType);
    c.header("X-Content-Type-Options", "nosniff");
    if (gzip) c.header("Content-Encoding", "gzip");
    return c.body(gzip ? asset.gzip : asset.body);
  });

  return { urls, routes };
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (coding !== "gzip") return false;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
