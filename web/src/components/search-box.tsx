import type { Child } from "hono/jsx";

export type SearchBoxProps = {
  /** The list page; the form GETs it, htmx asks it for the results fragment as you type. */
  action: string;
  /** The element whose content the results replace (`#customer-results`). */
  target: string;
  label: string;
  placeholder?: string;
  value?: string;
  /** Other filters kept as hidden fields or extra controls inside the form. */
  children?: Child;
};

/**
 * Search as you type: a plain GET form (works without JavaScript, Enter submits), upgraded by
 * htmx to ask for the results fragment 250 ms after typing stops and keep the URL in step.
 */
export function SearchBox(props: SearchBoxProps) {
  return (
    <search>
      <form
        class="search-box"
        method="get"
        action={props.action}
        hx-get={props.action}
        hx-trigger="input changed delay:250ms from:find input[type=search], change, submit"
        hx-target={props.target}
        hx-select={props.target}
        hx-swap="outerHTML"
        hx-push-url="true"
      >
        <label class="visually-hidden" for="search-q">
          {props.label}
        </label>
        <input
          class="adm-input search-input"
          id="search-q"
          name="q"
          type="search"
          value={props.value}
          placeholder={props.placeholder ?? props.label}
          autocomplete="off"
          maxlength={100}
        />
        {props.children}
        <button class="button button-quiet" type="submit">
          {props.label}
        </button>
      </form>
    </search>
  );
}
