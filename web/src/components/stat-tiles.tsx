import type { Child } from "hono/jsx";

export type Stat = { label: string; value: Child; hint?: Child; tone?: "ok" | "warn" | "danger"; id?: string };

/** Headline figures in tiles (dashboard, a customer's balance). */
export function StatTiles(props: { stats: readonly Stat[]; label?: string }) {
  return (
    <ul class="stat-tiles" aria-label={props.label}>
      {props.stats.map((s) => (
        <li class={s.tone ? `stat-tile stat-${s.tone}` : "stat-tile"} id={s.id}>
          <p class="stat-label">{s.label}</p>
          <p class="stat-value">{s.value}</p>
          {s.hint ? <p class="stat-hint">{s.hint}</p> : null}
        </li>
      ))}
    </ul>
  );
}
