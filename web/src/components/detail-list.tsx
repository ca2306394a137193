import type { Child } from "hono/jsx";

/** Label/value pairs of one record, two columns on wide screens, stacked on phones. */
export function DetailList(props: { items: readonly (readonly [label: string, value: Child])[] }) {
  return (
    <dl class="detail-list">
      {props.items.map(([label, value]) => (
        <div>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
