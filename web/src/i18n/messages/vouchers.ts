import { defineMessages } from "./define.ts";

/** Messages of the vouchers pages. */
export const vouchersMessages = defineMessages({
  id: {
    "vouchers.title": "TODO",
  },
  en: {
    "vouchers.title": "TODO",
  },
});
