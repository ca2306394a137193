export type NavItem = {
  href: string;
  label: string;
  /** Marks the item of the page being shown (`aria-current="page"`). */
  current?: boolean;
};

export function NavList(props: { items: readonly NavItem[]; class?: string }) {
  return (
    <ul class={props.class ? `nav-list ${props.class}` : "nav-list"}>
      {props.items.map((item) => (
        <li>
          <a href={item.href} aria-current={item.current ? "page" : undefined}>
            {item.label}
          </a>
        </li>
      ))}
    </ul>
  );
}
