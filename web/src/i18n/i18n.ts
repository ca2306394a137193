import { en } from "./en.ts";
import { id, type MessageKey, type Messages } from "./id.ts";

export type { MessageKey, Messages } from "./id.ts";

export const locales = ["id", "en"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "id";

/** Each language named in itself, as a language picker should show it. */
export const localeNames: Readonly<Record<Locale, string>> = { id: "Bahasa Indonesia", en: "English" };

const catalogues: Readonly<Record<Locale, Messages>> = { id, en };

/** Names of the `{placeholders}` in a message of the reference catalogue. */
type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;
type ParamsOf<K extends MessageKey> = [Placeholders<(typeof id)[K]>] extends [never]
  ? [params?: undefined]
  : [params: Readonly<Record<Placeholders<(typeof id)[K]>, string | number>>];

export type Translate = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => string;

const translators = new Map<Locale, Translate>();

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) {
    const messages = catalogues[locale];
    t = ((key: MessageKey, params?: Readonly<Record<string, string | number>>) => {
      const text = messages[key];
      if (!params) return text;
      // An unknown placeholder stays visible rather than silently becoming empty.
      return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
        Object.hasOwn(params, name) ? String(params[name]) : whole,
      );
    }) as Translate;
    translators.set(locale, t);
  }
  return t;
}

// Old Android and Java runtimes still send the withdrawn ISO code "in" for Indonesian.
const aliases: Readonly<Record<string, Locale>> = { in: "id" };

function localeOfTag(tag: string): Locale | null {
  const primary = tag.trim().toLowerCase().split("-")[0] ?? "";
  if (isLocale(primary)) return primary;
  return aliases[primary] ?? null;
}

/**
 * The `lang` cookie wins when it names a known locale (the user chose it), then the
 * browser's Accept-Language by q-value (ties keep header order), then Indonesian.
 */
export function pickLocale(cookieValue: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  if (acceptLanguage) {
    let best: { locale: Locale; q: number } | null = null;
    // A real header has a handful of entries; the cap keeps a hostile one cheap.
    for (const entry of acceptLanguage.split(",", 32)) {
      const [tag = "", ...params] = entry.split(";");
      const locale = localeOfTag(tag);
      if (!locale) continue;
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      if (!Number.isFinite(q) || q <= 0) continue;
      if (!best || q > best.q) best = { locale, q };
    }
    if (best) return best.locale;
  }
  return defaultLocale;
}
