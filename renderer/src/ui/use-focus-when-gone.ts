import { useEffect, useRef, type RefObject } from 'react';
import { focusLost } from './focus.ts';
import { useLastFocusIn } from './use-last-focus-in.ts';

/**
 * When `area` (a panel) leaves the page while the keyboard focus is in it (`shown` turns false,
 * e.g. its last step done), the focus moves to the heading of the panel that followed it, else to
 * the view it was in (both take focus: tabIndex -1), never to the page body. The next Tab goes on
 * from there.
 */
export function useFocusWhenGone(area: RefObject<HTMLElement | null>, shown: boolean): void {
  const lastFocusRef = useLastFocusIn(area);
  // Where it was, remembered while it is shown: once gone, its place on the page is unknown.
  const next = useRef<Element | null>(null);
  const view = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const el = area.current;
    if (shown) {
      if (el) {
        next.current = el.nextElementSibling;
        view.current = el.closest<HTMLElement>('main');
      }
      return;
    }
    if (!lastFocusRef.current) return;
    lastFocusRef.current = null;
    if (!focusLost()) return; // the user had moved on
    const heading = next.current?.isConnected ? next.current.querySelector<HTMLElement>('h2[tabindex="-1"]') : null;
    (heading ?? view.current)?.focus();
  });
}
