import { useEffect, useRef, type RefObject } from 'react';

/**
 * The element inside `area` that last had the keyboard focus, or null once the user moved it out
 * (to another element). An element removed or disabled while focused stays recorded: the browser
 * drops its focus to the page without naming a new target, which is what the callers repair.
 */
export function useLastFocusIn(area: RefObject<HTMLElement | null>): RefObject<HTMLElement | null> {
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
  return had;
}
