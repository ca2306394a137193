import { AppError } from "../http/errors.ts";

/** A refusal tied to one form field: the route shows it next to that field. */
export const fieldRefusal = (code: string, field: string, message: string, status: 400 | 409 | 422 = 422) =>
  new AppError(code, status, message, { field });

export const usernameTaken = () =>
  fieldRefusal("pppoe_username_taken", "pppoeUsername", "This PPPoE username is already used in this ISP.", 409);
export const staticIpTaken = () =>
  fieldRefusal("static_ip_taken", "staticIp", "Another live subscription at this site has this address.", 409);
export const macTaken = () =>
  fieldRefusal("mac_taken", "mac", "Another live subscription at this site has this MAC address.", 409);
export const unknownPlan = () => fieldRefusal("unknown_plan", "planId", "Choose a plan this ISP offers.");
export const unknownCustomer = () => fieldRefusal("unknown_customer", "customerId", "Choose one of your customers.");
export const unknownSite = () => fieldRefusal("unknown_site", "siteId", "Choose one of your sites.");
export const billingDayLocked = () =>
  fieldRefusal(
    "billing_day_locked",
    "billingDay",
    "The billing day can only change before the subscription is activated: the cycles already billed would overlap.",
    409,
  );
export const samePlan = () => fieldRefusal("same_plan", "planId", "The subscription is already on this plan.", 409);
export const cycleMismatch = () =>
  fieldRefusal(
    "plan_cycle_mismatch",
    "planId",
    "A monthly subscription changes to another monthly plan; a prepaid one to another prepaid plan.",
    409,
  );
export const transitionRefused = (from: string, event: string) =>
  new AppError("transition_not_allowed", 409, `A ${from} subscription cannot be changed this way (${event}).`, {
    from,
    event,
  });
