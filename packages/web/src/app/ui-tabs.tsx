import { NavLink } from 'react-router-dom';

/** One tab of a TabNav: a route it links to. */
export interface TabItem {
  to: string;
  label: string;
  testId: string;
  /** Only active on an exact match (for the index tab). */
  end?: boolean;
}

/**
 * Tabs as links to sub-routes, so every tab has an address, works with back/forward and is reachable by
 * Tab; the active one is marked with aria-current="page".
 */
export function TabNav({ items, label }: { items: TabItem[]; label: string }) {
  return (
    <nav className="tabs" aria-label={label}>
      {items.map((item) => (
        <NavLink
          key={item.to}
          to={item.to}
          end={item.end}
          className={({ isActive }) => `tab${isActive ? ' tab-active' : ''}`}
          data-testid={item.testId}
        >
          {item.label}
        </NavLink>
      ))}
    </nav>
  );
}
