import type { Logger } from "@kilusi/shared/logger";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, notFound } from "./errors.ts";

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
export function errorHandler(deps: { logger: Logger; exposeStacks: boolean }): ErrorHandler {
  return (error, c) => {
    const requestId = (c.get("requestId") as string | undefined) ?? "";
    let appError = toAppError(error);
    if (!appError) {
      deps.logger.error({ err: error, requestId }, "unhandled error");
      appError = new AppError("internal_error", 500, "Something went wrong on our side.");
    }
    const stack = deps.exposeStacks && !(error instanceof AppError) && error instanceof Error ? error.stack : undefined;
    return respond(c, appError, requestId, stack);
  };
}

export const notFoundHandler: NotFoundHandler = (c) =>
  respond(c, notFound("page"), (c.get("requestId") as string | undefined) ?? "", undefined);

function respond(c: Context, e: AppError, requestId: string, stack: string | undefined) {
  if (c.req.header("hx-request") === "true") {
    return c.html(
      <div class="error-fragment" role="alert" data-code={e.code}>
        <p>{e.message}</p>
        <p class="error-request-id">{requestId}</p>
      </div>,
      e.status,
    );
  }
  if ((c.req.header("accept") ?? "").includes("text/html")) {
    return c.html(
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>{e.message}</title>
        </head>
        <body>
          <main>
            <h1>{e.message}</h1>
            <p>
              {e.code} · {requestId}
            </p>
            {stack ? <pre>{stack}</pre> : null}
          </main>
        </body>
      </html>,
      e.status,
    );
  }
  return c.json({ error: { code: e.code, message: e.message, requestId, details: e.details, stack } }, e.status);
}
