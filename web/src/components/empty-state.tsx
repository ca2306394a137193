import type { Child } from "hono/jsx";

/** What a list says when it has nothing yet, and what to do about it. */
export function EmptyState(props: { title: string; text?: string; action?: Child }) {
  return (
    <div class="empty-state">
      <p class="empty-state-title">{props.title}</p>
      {props.text ? <p class="empty-state-text">{props.text}</p> : null}
      {props.action ? <p class="empty-state-action">{props.action}</p> : null}
    </div>
  );
}
