import type { Child } from "hono/jsx";

export type BadgeTone = "ok" | "warn" | "danger" | "muted" | "info";

/** A short status word in a pill; the tone, not only the colour, is in the class for tests and themes. */
export function StatusBadge(props: { tone: BadgeTone; children?: Child }) {
  return <span class={`badge badge-tone-${props.tone}`}>{props.children}</span>;
}
