import type { VoucherEvent, VoucherState } from "../billing/vouchers.models.ts";
import { AppError } from "../http/errors.ts";

/** The field of the batch form a refusal belongs to, so the form shows it beside that input. */
export type BatchField = "planId" | "siteId" | "count" | "prefix" | "codeLength" | "price" | "resellerPrice";

/** A refusal of the batch form tied to one field: `details.field` says which. */
const fieldRefusal = (code: string, field: BatchField, message: string, details: Record<string, unknown> = {}) =>
  new AppError(code, 422, message, { field, ...details });

// Another tenant's plan or site answers like a missing one: the same code, the same words.
export const planUnknown = () => fieldRefusal("voucher_plan_unknown", "planId", "Choose a plan from the list.");
export const planArchived = () =>
  fieldRefusal("voucher_plan_archived", "planId", "This plan is archived; vouchers are sold only for current plans.");
export const planNotForVouchers = () =>
  fieldRefusal("voucher_plan_not_prepaid", "planId", "Vouchers are for hotspot or prepaid plans only.");
export const siteUnknown = () => fieldRefusal("voucher_site_unknown", "siteId", "Choose a site from the list.");
export const resellerAbovePrice = () =>
  fieldRefusal("voucher_reseller_above_price", "resellerPrice", "The reseller price cannot be above the price.");

/**
 * The tenant's codes of this prefix and length would fill too much of the code space (see
 * `generateBatch`): `remaining` codes still fit at this length, `suggested` is the shortest
 * length that holds the batch (null when even 32 does not).
 */
export const spaceTooSmall = (remaining: number, suggested: number | null) =>
  fieldRefusal("voucher_space_too_small", "codeLength", "Codes of this length cannot hold the batch.", {
    remaining,
    suggested,
  });

/** Concurrent batches kept taking the same codes; rare enough that trying again is the answer. */
export const codesKeptColliding = () =>
  new AppError("voucher_code_conflict", 409, "Other vouchers took the same codes at the same moment. Try again.");

/** What the voucher state machine refuses (selling a used voucher, voiding an active one). */
export const transitionRefused = (from: VoucherState, event: VoucherEvent) =>
  new AppError("voucher_transition_not_allowed", 409, `A ${from} voucher cannot be changed that way (${event}).`, {
    from,
    event,
  });

/** A bulk action that finds fewer vouchers in the right state than asked for. */
export const notEnoughVouchers = (available: number) =>
  new AppError("voucher_not_enough", 409, `Only ${available} vouchers are in a state that allows this.`, {
    available,
  });
