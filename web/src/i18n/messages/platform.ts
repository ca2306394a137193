import { defineMessages } from "./define.ts";

/** Messages of the platform pages. */
export const platformMessages = defineMessages({
  id: {},
  en: {},
});
