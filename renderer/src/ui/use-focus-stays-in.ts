import { useEffect, type RefObject } from 'react';
import { focusable, focusLost } from './focus.ts';
import { useLastFocusIn } from './use-last-focus-in.ts';

const CONTROLS = 'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])';

/**
 * Keeps the keyboard focus inside `area` when the control that had it goes away (removed or
 * disabled as the area changes, e.g. Download turning into a progress bar with Cancel): the focus
 * moves to `prefer()` when that gives an element (e.g. a line saying it is done, tabIndex -1), else
 * to the area's first enabled control once there is one, or to the area itself (give it tabIndex
 * -1) when it has no controls at all. A user who moved the focus elsewhere keeps it there.
 */
export function useFocusStaysIn(area: RefObject<HTMLElement | null>, prefer?: () => HTMLElement | null): void {
  const lastFocusRef = useLastFocusIn(area);
  useEffect(() => {
    const last = lastFocusRef.current;
    const el = area.current;
    if (!last || !el) return;
    if (!focusLost()) return; // still inside, or moved on by the user
    if (focusable(last)) {
      lastFocusRef.current = null; // it is still there: the user blurred it (clicked elsewhere)
      return;
    }
    const controls = [...el.querySelectorAll<HTMLElement>(CONTROLS)];
    const next = prefer?.() ?? controls.find((c) => !c.matches(':disabled')) ?? (controls.length === 0 ? el : null);
    next?.focus(); // none enabled yet (a request running): tried again on the next render
  });
}
