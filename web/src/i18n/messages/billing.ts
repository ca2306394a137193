import { defineMessages } from "./define.ts";

/** Messages of the billing pages. */
export const billingMessages = defineMessages({
  id: {
    "billing.title": "TODO",
  },
  en: {
    "billing.title": "TODO",
  },
});
