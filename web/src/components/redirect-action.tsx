/**
 * A POST button whose answer is a redirect (HX-Redirect) or a refusal: without JavaScript a plain
 * form; htmx asks first when told to, follows the server's redirect, and shows a refusal in the
 * page's alerts.
 */
export function RedirectAction(props: { action: string; label: string; confirm?: string; danger?: boolean }) {
  return (
    <form
      class="action-form"
      method="post"
      action={props.action}
      hx-post={props.action}
      hx-confirm={props.confirm}
      hx-target="#alerts"
    >
      <button class={props.danger ? "button button-danger" : "button button-quiet"} type="submit">
        {props.label}
      </button>
    </form>
  );
}
