// Pure rules of the customers area: how the search box reads what people type, and how the
// form's free-text fields (tags, a map point) become stored values. No I/O; table-driven tests
// beside it.

export const TAGS_MAX = 20;
export const TAG_MAX_LENGTH = 32;

/** Escapes LIKE's wildcards, so "50%" searches for "50%" (backslash is PostgreSQL's default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** What the search box typed, read three ways: words of a name, the start of a phone number, a username. */
export interface SearchTerms {
  /** Every word must appear somewhere in the name, in any case: "santoso budi" finds "Budi Santoso". */
  words: string[];
  /** The start of the E.164 number, when the text looks like (the start of) a phone number. */
  phonePrefix: string | null;
  /** The whole text, for a part of a PPPoE username. */
  text: string;
}

const PHONE_LIKE = /^\+?[\d\s().-]+$/;
const MAX_WORDS = 5;

/**
 * The start of the stored E.164 number that what people type into a search box stands for:
 * "0812 3456" (the trunk 0 stands for +62) → "+628123456"; "+62 812…" and "62812…" as they are;
 * "812…" (a mobile number without its 0) → "+62812…". Null when the text is no phone number or
 * has fewer than three digits.
 */
export function phoneSearchPrefix(text: string): string | null {
  const trimmed = text.trim();
  if (!PHONE_LIKE.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, "");
  if (digits.length < 3) return null;
  if (trimmed.startsWith("+") || digits.startsWith("62")) return `+${digits}`;
  if (digits.startsWith("0")) return `+62${digits.slice(1)}`;
  if (digits.startsWith("8")) return `+62${digits}`;
  return `+${digits}`;
}

export function searchTerms(query: string): SearchTerms | null {
  const text = query.trim().replace(/\s+/g, " ");
  if (text === "") return null;
  return { words: text.split(" ").slice(0, MAX_WORDS), phonePrefix: phoneSearchPrefix(text), text };
}

export type TagsResult = { ok: true; tags: string[] } | { ok: false; error: "tooMany" | "tooLong" };

/** "vip, Rt 03 ,vip,," → ["vip", "Rt 03"]: trimmed, blanks dropped, duplicates (any case) once. */
export function parseTags(raw: string): TagsResult {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const part of raw.split(",")) {
    const tag = part.trim().replace(/\s+/g, " ");
    if (tag === "") continue;
    if (tag.length > TAG_MAX_LENGTH) return { ok: false, error: "tooLong" };
    const key = tag.toLocaleLowerCase("id");
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  if (tags.length > TAGS_MAX) return { ok: false, error: "tooMany" };
  return { ok: true, tags };
}

export type PointError = "latitude" | "longitude" | "latitudeRange" | "longitudeRange" | "incomplete";
export type PointResult =
  | { ok: true; point: { latitude: number; longitude: number } | null }
  | { ok: false; field: "latitude" | "longitude"; error: PointError };

// One coordinate: dot or comma decimals ("-6.2088", "-6,2088"), as phones and Excel write them.
const COORDINATE = /^[+-]?\d{1,3}(?:[.,]\d{1,15})?$/;
// A pair pasted into one field, as map apps copy it: "-6.2088, 106.8456", "-6.2088 106.8456",
// "-6,2088; 106,8456". A comma separates only when a space follows it or dots are the decimals,
// so "-6,2088" stays one number with a decimal comma.
const PAIR_PATTERNS = [
  /^([+-]?\d{1,3}(?:\.\d+)?)\s*,\s*([+-]?\d{1,3}(?:\.\d+)?)$/,
  /^([+-]?\d{1,3}(?:[.,]\d+)?)\s*(?:;|\s)\s*([+-]?\d{1,3}(?:[.,]\d+)?)$/,
];

function coordinate(text: string): number | null {
  if (!COORDINATE.test(text)) return null;
  const value = Number(text.replace(",", "."));
  return Number.isFinite(value) ? value : null;
}

function splitPair(text: string): [string, string] | null {
  for (const pattern of PAIR_PATTERNS) {
    const match = pattern.exec(text);
    // A single number with a decimal comma also fits the comma form when both halves are integers.
    if (match?.[1] && match[2] && (pattern !== PAIR_PATTERNS[0] || /\.|,\s/.test(text))) return [match[1], match[2]];
  }
  return null;
}

/**
 * A map point from the form's two fields, both or neither. A "lat, lng" pair pasted into the
 * latitude field (the longitude left empty) is split.
 */
export function parsePoint(latitudeRaw: string, longitudeRaw: string): PointResult {
  let lat = latitudeRaw.trim();
  let lng = longitudeRaw.trim();
  if (lng === "") {
    const pair = splitPair(lat);
    if (pair) [lat, lng] = pair;
  }
  if (lat === "" && lng === "") return { ok: true, point: null };
  if (lat === "") return { ok: false, field: "latitude", error: "incomplete" };
  if (lng === "") return { ok: false, field: "longitude", error: "incomplete" };
  const latitude = coordinate(lat);
  if (latitude === null) return { ok: false, field: "latitude", error: "latitude" };
  const longitude = coordinate(lng);
  if (longitude === null) return { ok: false, field: "longitude", error: "longitude" };
  if (latitude < -90 || latitude > 90) return { ok: false, field: "latitude", error: "latitudeRange" };
  if (longitude < -180 || longitude > 180) return { ok: false, field: "longitude", error: "longitudeRange" };
  return { ok: true, point: { latitude, longitude } };
}
