import type { Child } from "hono/jsx";

export type ActionFormProps = {
  action: string;
  label: string;
  /**
   * Destructive actions are red and ask first. htmx asks only for requests it makes, so a form
   * with a confirmation and no target is boosted (htmx posts it and swaps the page it is sent
   * to); without JavaScript it posts plainly, and the page says what the button does.
   */
  danger?: boolean;
  confirm?: string;
  /** For htmx: the element to replace with the answer, e.g. the row. */
  target?: string;
  /** Hidden fields. */
  fields?: Readonly<Record<string, string>>;
  /** Visible controls before the button (a reason, a date). */
  children?: Child;
  class?: string;
};

/** One POST action as a small form: a button, optional inputs, optional confirmation. */
export function ActionForm(props: ActionFormProps) {
  return (
    <form
      class={props.class ?? "action-form"}
      method="post"
      action={props.action}
      hx-post={props.target ? props.action : undefined}
      hx-target={props.target}
      hx-swap={props.target ? "outerHTML" : undefined}
      hx-boost={!props.target && props.confirm ? "true" : undefined}
      hx-confirm={props.confirm}
    >
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      {props.children}
      <button class={props.danger ? "button button-danger" : "button button-quiet"} type="submit">
        {props.label}
      </button>
    </form>
  );
}
