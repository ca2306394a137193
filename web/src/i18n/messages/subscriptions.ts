import { defineMessages } from "./define.ts";

/** Messages of the subscriptions pages. */
export const subscriptionsMessages = defineMessages({
  id: {
    "subscriptions.title": "TODO",
  },
  en: {
    "subscriptions.title": "TODO",
  },
});
