import { defineMessages } from "./define.ts";

/** Messages of the accounts pages. */
export const accountsMessages = defineMessages({
  id: {},
  en: {},
});
