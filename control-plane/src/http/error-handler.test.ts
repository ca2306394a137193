import { describe, expect, test } from "bun:test";
import { createLogger } from "@kilusi/shared/logger";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { errorHandler, notFoundHandler } from "./error-handler.tsx";
import { AppError } from "./errors.ts";
import { requestId } from "./request-id.ts";

function app(exposeStacks: boolean) {
  const lines: string[] = [];
  const logger = createLogger({ name: "test", level: "info", destination: { write: (l: string) => lines.push(l) } });
  const a = new Hono()
    .use(requestId())
    .get("/conflict", () => {
      throw new AppError("plan_in_use", 409, "This plan is in use.");
    })
    .get("/bug", () => {
      throw new Error("secret internals: password=hunter2");
    })
    .get("/too-big", () => {
      throw new HTTPException(413, { message: "Too big." });
    });
  const deps = { logger, exposeStacks, assets: { css: "/assets/app.css", htmx: "/assets/htmx.js" } };
  a.notFound(notFoundHandler(deps));
  a.onError(errorHandler(deps));
  return { app: a, lines };
}

const json = { accept: "application/json" };

describe("one error handler", () => {
  test("a typed error keeps its status and stable code for API clients", async () => {
    const res = await app(false).app.request("/conflict", { headers: json });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: "plan_in_use", message: "This plan is in use." });
    expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  test("an unexpected error is a 500 internal_error, logged with its stack, hidden from clients in production", async () => {
    const { app: a, lines } = app(false);
    const res = await a.request("/bug", { headers: json });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe("internal_error");
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("stack");
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "unhandled error");
    expect(logged.err.stack).toContain("secret internals");
    expect(logged.requestId).toBe(res.headers.get("x-request-id"));
  });

  test("outside production the stack reaches the developer", async () => {
    const res = await app(true).app.request("/bug", { headers: json });
    expect(((await res.json()) as { error: { stack: string } }).error.stack).toContain("secret internals");
  });

  test("HTMX requests get an HTML fragment to swap in, with the request id", async () => {
    const res = await app(false).app.request("/conflict", { headers: { "hx-request": "true" } });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).not.toContain("<html");
    expect(html).toContain('role="alert"');
    expect(html).toContain("This plan is in use.");
    expect(html).toContain(res.headers.get("x-request-id") as string);
  });

  test("browsers get a whole page", async () => {
    const res = await app(false).app.request("/nothing-here", { headers: { accept: "text/html" } });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("<html");
  });

  test("Hono's HTTP exceptions map to stable codes", async () => {
    const res = await app(false).app.request("/too-big", { headers: json });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });

  test("a well-formed incoming request id is kept; anything else is replaced", async () => {
    const a = app(false).app;
    const kept = await a.request("/conflict", { headers: { ...json, "x-request-id": "lb-1234abcd" } });
    expect(kept.headers.get("x-request-id")).toBe("lb-1234abcd");
    const replaced = await a.request("/conflict", { headers: { ...json, "x-request-id": "<script>" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
