import { defineMessages } from "./define.ts";

/** Messages of the customers pages. */
export const customersMessages = defineMessages({
  id: {
    "customers.title": "TODO",
  },
  en: {
    "customers.title": "TODO",
  },
});
