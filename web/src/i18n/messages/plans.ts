import { defineMessages } from "./define.ts";

/** Messages of the plans pages. */
export const plansMessages = defineMessages({
  id: {
    "plans.title": "TODO",
  },
  en: {
    "plans.title": "TODO",
  },
});
