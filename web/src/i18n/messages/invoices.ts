import { defineMessages } from "./define.ts";

/** Messages of the invoices pages. */
export const invoicesMessages = defineMessages({
  id: {
    "invoices.title": "TODO",
  },
  en: {
    "invoices.title": "TODO",
  },
});
