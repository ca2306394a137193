/**
 * Indonesian phone numbers as people type them (0812-3456-789, +62 812…, 62812…) to E.164
 * (+62812…). Other countries' numbers must already carry their `+` and country code.
 * Returns null when the input is not a plausible phone number.
 */
export function toE164(input: string): string | null {
  const compact = input.replace(/[\s().-]/g, "");
  let digits: string;
  if (compact.startsWith("+")) digits = compact.slice(1);
  else if (compact.startsWith("62")) digits = compact;
  else if (compact.startsWith("0")) digits = `62${compact.slice(1)}`;
  else return null;
  if (!/^[1-9]\d{7,14}$/.test(digits)) return null;
  // Indonesian numbers: 62 + 8–12 digits, no trunk 0 after the country code.
  if (digits.startsWith("62") && !/^62[1-9]\d{7,11}$/.test(digits)) return null;
  return `+${digits}`;
}
