import { useEffect, useRef, type RefObject } from 'react';
import { focusable, focusLost } from './focus.ts';

const CONTROLS = 'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])';

/**
 * Keeps the keyboard focus inside `area` when the control that had it goes away (removed or
 * disabled as the area changes, e.g. Download turning into a progress bar with Cancel): the focus
 * moves to `prefer()` when that gives an element (e.g. a line saying it is done, tabIndex -1), else
 * to the area's first enabled control once there is one, or to the area itself (give it tabIndex
 * -1) when it has no controls at all. A user who moved the focus elsewhere keeps it there.
 */
export function useFocusStaysIn(area: RefObject<HTMLElement | null>, prefer?: () => HTMLElement | null): void {
  const had = useRef<HTMLElement | null>(null);
  // On the document: the area may render later than the hook's first effect (or be replaced).
  useEffect(() => {
    const inside = (node: EventTarget | null) => node instanceof Node && area.current?.contains(node) === true;
    const onIn = (e: FocusEvent) => {
      if (inside(e.target)) had.current = e.target as HTMLElement;
    };
    const onOut = (e: FocusEvent) => {
      if (inside(e.target) && e.relatedTarget instanceof Node && !inside(e.relatedTarget)) had.current = null;
    };
    document.addEventListener('focusin', onIn);
    document.addEventListener('focusout', onOut);
    return () => {
      document.removeEventListener('focusin', onIn);
      document.removeEventListener('focusout', onOut);
    };
  }, [area]);
  useEffect(() => {
    const last = had.current;
    const el = area.current;
    if (!last || !el) return;
    if (!focusLost()) return; // still inside, or moved on by the user
    if (focusable(last)) {
      had.current = null; // it is still there: the user blurred it (clicked elsewhere)
      return;
    }
    const controls = [...el.querySelectorAll<HTMLElement>(CONTROLS)];
    const next = prefer?.() ?? controls.find((c) => !c.matches(':disabled')) ?? (controls.length === 0 ? el : null);
    next?.focus(); // none enabled yet (a request running): tried again on the next render
  });
}
