/** The PostgreSQL error under drizzle's wrapper (drizzle puts the driver's error in `cause`). */
function pgError(error: unknown): { code?: string; constraint?: string; constraint_name?: string } | null {
  let e: unknown = error;
  for (let i = 0; i < 3 && e && typeof e === "object"; i++) {
    const candidate = e as { code?: unknown; cause?: unknown };
    if (typeof candidate.code === "string" && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate as never;
    e = candidate.cause;
  }
  return null;
}

/** True when `error` is a unique violation, of `constraint` when one is named. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = pgError(error);
  if (pg?.code !== "23505") return false;
  return constraint === undefined || (pg.constraint_name ?? pg.constraint) === constraint;
}
