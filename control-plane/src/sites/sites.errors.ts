import { AppError } from "../http/errors.ts";

/** Site names are unique per ISP in any case: people pick a site by its name. */
export const siteNameTaken = () =>
  new AppError("site_name_taken", 409, "Another site already has this name.", { field: "name" });

/** What still points at a site, so deleting it would orphan or rewrite history. */
export interface SiteUsage {
  /** Every subscription at the site, terminated ones included (they keep their history). */
  subscriptions: number;
  voucherBatches: number;
  /** Every agent ever enrolled there, revoked ones included: journal records name them. */
  agents: number;
}

export const siteInUse = (usage: SiteUsage) =>
  new AppError("site_in_use", 409, "The site is in use and cannot be deleted.", { ...usage });
