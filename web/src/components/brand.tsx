/** The Kilusi mark and name, linking home. The mark is decoration: the name is the label. */
export function Brand(props: { href: string }) {
  return (
    <a class="brand" href={props.href}>
      <svg class="brand-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" />
        <path d="M11 8v16M21 8l-7.5 8L21 24" />
      </svg>
      <span class="brand-name">Kilusi</span>
    </a>
  );
}
