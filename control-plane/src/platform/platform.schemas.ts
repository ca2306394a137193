import { z } from "zod";

/** A tenant id in a URL; anything else is "not found", like an id that does not exist. */
export const tenantActionParams = z.object({
  tenantId: z.uuid(),
  action: z.enum(["suspend", "resume"]),
});

/** Where a suspend/resume without JavaScript lands: which notice to show. Bad values show none. */
export const platformPageQuery = z.object({
  done: z.enum(["suspended", "resumed"]).optional().catch(undefined),
  tenant: z.uuid().optional().catch(undefined),
});
