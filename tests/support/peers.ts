/**
 * DESIGN §9: a test that needs a missing peer (PostgreSQL, Mosquitto, Chromium, radclient…)
 * is skipped with one loud line saying what to install. CI sets KILUSI_STRICT_PEERS=1, which
 * turns every such skip into a failure, so a green CI run has exercised every peer.
 */
export function requirePeer(name: string, available: boolean, installHint: string): boolean {
  if (available) return true;
  const line = `PEER MISSING: ${name}; its tests are SKIPPED. To run them: ${installHint}`;
  if (process.env.KILUSI_STRICT_PEERS === "1") {
    throw new Error(`${line} (KILUSI_STRICT_PEERS=1 makes a missing peer a failure)`);
  }
  console.warn(`\n\u001b[33m⚠ ${line}\u001b[0m\n`);
  return false;
}
