export type PagerProps = {
  /** Accessible name of the navigation ("Customer pages"). */
  label: string;
  /** e.g. "1–50 of 1,234" */
  summary: string;
  previous: { href: string; label: string } | null;
  next: { href: string; label: string } | null;
};

/** Previous/next links with where we are; plain links, so it works without JavaScript. */
export function Pager(props: PagerProps) {
  return (
    <nav class="pager" aria-label={props.label}>
      <p class="pager-summary">{props.summary}</p>
      <p class="pager-links">
        {props.previous ? (
          <a class="button button-quiet" href={props.previous.href} rel="prev">
            {props.previous.label}
          </a>
        ) : null}
        {props.next ? (
          <a class="button button-quiet" href={props.next.href} rel="next">
            {props.next.label}
          </a>
        ) : null}
      </p>
    </nav>
  );
}
