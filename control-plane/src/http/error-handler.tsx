import type { Logger } from "@kilusi/shared/logger";
import type { AssetUrls } from "@kilusi/web/assets.ts";
import { ErrorFragment, localizedErrorCodes } from "@kilusi/web/components/error-fragment.tsx";
import { ErrorPage } from "@kilusi/web/components/error-page.tsx";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, notFound } from "./errors.ts";
import { localeOf } from "./locale.ts";

const STATUS_CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthenticated",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable",
  429: "rate_limited",
};

export interface ErrorDeps {
  logger: Logger;
  assets: AssetUrls;
  exposeStacks: boolean;
}

function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException && error.status < 500) {
    const status = error.status as ContentfulStatusCode;
    return new AppError(STATUS_CODES[status] ?? "bad_request", status, error.message || "The request was not valid.");
  }
  return null;
}

/**
 * The one place errors become responses. HTMX requests get a fragment to swap in, browsers a
 * page, API clients `{ error: { code, message, requestId } }`. Unexpected errors are logged
 * with their stack and answered as `internal_error`; the stack reaches the client only
 * outside production.
 */
export function errorHandler(deps: ErrorDeps): ErrorHandler {
  return (error, c) => {
    const requestId = (c.get("requestId") as string | undefined) ?? "";
    let appError = toAppError(error);
    if (!appError) {
      deps.logger.error({ err: error, requestId }, "unhandled error");
      appError = new AppError("internal_error", 500, "Something went wrong on our side.");
    }
    const stack = deps.exposeStacks && !(error instanceof AppError) && error instanceof Error ? error.stack : undefined;
    return respond(c, deps, appError, requestId, stack);
  };
}

export function notFoundHandler(deps: ErrorDeps): NotFoundHandler {
  return (c) => respond(c, deps, notFound("page"), (c.get("requestId") as string | undefined) ?? "", undefined);
}

function respond(c: Context, deps: ErrorDeps, e: AppError, requestId: string, stack: string | undefined) {
  const retryAfter = e.details?.retryAfterSeconds;
  if (typeof retryAfter === "number") c.header("Retry-After", String(Math.max(1, Math.ceil(retryAfter))));
  const wantsHtml = c.req.header("hx-request") === "true" || (c.req.header("accept") ?? "").includes("text/html");
  if (!wantsHtml) {
    return c.json({ error: { code: e.code, message: e.message, requestId, details: e.details, stack } }, e.status);
  }
  const locale = localeOf(c);
  // Codes the UI knows are shown in the reader's language; others keep the server's message.
  const known = (localizedErrorCodes as readonly string[]).includes(e.code);
  const error = { status: e.status, code: e.code, requestId, ...(known ? {} : { message: e.message }) };
  if (c.req.header("hx-request") === "true") {
    return c.html(<ErrorFragment locale={locale} error={error} />, e.status);
  }
  return c.html(<ErrorPage locale={locale} assets={deps.assets} error={error} debug={stack} />, e.status);
}
