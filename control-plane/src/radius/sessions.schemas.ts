import { z } from "zod";

// The online sessions page's filters, from the query string. Anything broken is the default
// (links get mangled); a site that is not a uuid is simply "every site".

export const SESSION_STATUSES = ["online", "stale", "stopped", "all"] as const;
export const SESSION_SORTS = ["started", "usage", "user"] as const;
export type SessionStatusFilter = (typeof SESSION_STATUSES)[number];
export type SessionSort = (typeof SESSION_SORTS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const sessionListQuery = z.object({
  site: z
    .string()
    .regex(UUID)
    .transform((v) => v.toLowerCase())
    .catch("")
    .default(""),
  q: z
    .string()
    .trim()
    .transform((v) => v.slice(0, 100))
    .catch("")
    .default(""),
  status: z.enum(SESSION_STATUSES).catch("online").default("online"),
  sort: z.enum(SESSION_SORTS).catch("started").default("started"),
  page: z.preprocess(blank, z.coerce.number().int().min(1).max(100_000).default(1)).catch(1),
});
export type SessionListQuery = z.infer<typeof sessionListQuery>;

/** The list's URL for a filter, the default values left out so links stay short. */
export function sessionsHref(q: Partial<SessionListQuery>): string {
  const params = new URLSearchParams();
  if (q.site) params.set("site", q.site);
  if (q.q) params.set("q", q.q);
  if (q.status && q.status !== "online") params.set("status", q.status);
  if (q.sort && q.sort !== "started") params.set("sort", q.sort);
  if (q.page && q.page > 1) params.set("page", String(q.page));
  const s = params.toString();
  return s ? `/sessions?${s}` : "/sessions";
}
