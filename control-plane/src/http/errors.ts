import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * An error a client may see: a stable machine-readable `code`, an HTTP status and a message
 * that is safe to show. Anything else that escapes a handler is an `internal_error`.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: ContentfulStatusCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what = "resource") => new AppError("not_found", 404, `The ${what} was not found.`);

export const validationFailed = (issues: { path: string; message: string }[]) =>
  new AppError("validation_failed", 400, "Some fields are not valid.", { issues });
