import { AppError } from "../http/errors.ts";

/** Plans that are in use (not archived) have case-insensitively unique names. */
export const planNameTaken = () =>
  new AppError("plan_name_taken", 409, "Another plan in use already has this name.", { field: "name" });

/** Subscriptions or voucher batches point at the plan: it can be archived, not deleted. */
export const planInUse = (usage: { subscriptions: number; voucherBatches: number }) =>
  new AppError("plan_in_use", 409, "The plan is in use; archive it instead.", usage);

/**
 * The type and the cycle of a plan in use stay as they are: its subscriptions were set up and
 * billed for them. A different offer is a new plan.
 */
export const planFieldLocked = (field: "type" | "cycle") =>
  new AppError("plan_field_locked", 409, `The ${field} of a plan in use cannot change.`, { field });
