import { defineMessages } from "./define.ts";

/** Messages of the payments pages. */
export const paymentsMessages = defineMessages({
  id: {
    "payments.title": "TODO",
  },
  en: {
    "payments.title": "TODO",
  },
});
