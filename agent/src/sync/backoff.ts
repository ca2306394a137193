/**
 * Delay before reconnect attempt `attempt` (0-based): min · 2^attempt, capped at max, then
 * ±30 % jitter so a fleet of agents that lost the same broker does not return in lockstep.
 */
export function backoffDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return base * (0.7 + 0.6 * random());
}
