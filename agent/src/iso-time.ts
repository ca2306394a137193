let lastMs = Number.NaN;
let lastIso = "";

/**
 * `new Date(ms).toISOString()`, made once per millisecond: the RADIUS accounting path stamps
 * each request several times (received, event, journaled), and under load a hundred requests
 * share a millisecond — a Date and a string each saved, per stamp.
 */
export function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
