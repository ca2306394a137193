// How a customer's stored values read on the pages.

/** +6281234567890 → "0812-3456-7890", the way Indonesians write a number; others as stored. */
export function formatPhone(e164: string): string {
  if (!e164.startsWith("+62")) return e164;
  const local = `0${e164.slice(3)}`;
  return (local.match(/.{1,4}/g) ?? [local]).join("-");
}

/** What the phone field shows for editing: the local form, which the form reads back the same. */
export function phoneForEditing(e164: string | null): string {
  if (!e164) return "";
  return e164.startsWith("+62") ? `0${e164.slice(3)}` : e164;
}

/** A map point for people and for a map app: "-6.2088, 106.8456". */
export function formatPoint(latitude: number, longitude: number): string {
  return `${latitude}, ${longitude}`;
}

/** Where the point opens in a map app (Google Maps' documented search URL). */
export function mapHref(latitude: number, longitude: number): string {
  return `https://www.google.com/maps/search/?api=1&query=${latitude}%2C${longitude}`;
}
