import { defineMessages } from "./define.ts";

/** Messages of the team pages. */
export const teamMessages = defineMessages({
  id: {},
  en: {},
});
