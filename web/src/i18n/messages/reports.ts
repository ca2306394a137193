import { defineMessages } from "./define.ts";

/** Messages of the reports pages. */
export const reportsMessages = defineMessages({
  id: {
    "reports.title": "TODO",
  },
  en: {
    "reports.title": "TODO",
  },
});
