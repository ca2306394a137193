/**
 * One area's messages in both languages, side by side. English must have exactly the keys of
 * Indonesian (the reference); the type checker enforces it.
 */
export function defineMessages<const Id extends Record<string, string>>(messages: {
  id: Id;
  en: { readonly [K in keyof Id]: string };
}) {
  return messages;
}
