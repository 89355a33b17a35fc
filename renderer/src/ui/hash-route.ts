import { useSyncExternalStore } from 'react';
import { leaveGuard } from './unsaved.ts';

const readHash = () => location.hash.replace(/^#\/?/, '');

/**
 * The route the page shows. A hash change (a link, Back, a typed URL) moves it only when the
 * view being left has no unsaved edits, or the person agrees to drop them; otherwise the address
 * goes back to the view still shown.
 */
export function createHashRouter(deps: { read(): string; restore(route: string): void; mayLeave(): boolean }) {
  let current = deps.read();
  const listeners = new Set<() => void>();
  return {
    current: () => current,
    /** A hashchange happened. */
    changed() {
      const next = deps.read();
      if (next === current) return;
      if (!deps.mayLeave()) {
        deps.restore(current);
        return;
      }
      current = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

let router: ReturnType<typeof createHashRouter> | null = null;

function pageRouter() {
  if (!router) {
    const created = createHashRouter({
      read: readHash,
      // replaceState fires no hashchange: the address shows the view again, nothing re-renders.
      restore: (route) => history.replaceState(history.state, '', route ? `#/${route}` : `${location.pathname}${location.search}`),
      mayLeave: () => leaveGuard.mayLeave(),
    });
    window.addEventListener('hashchange', () => created.changed());
    router = created;
  }
  return router;
}

/** The view named in the URL's hash (#/souls → 'souls'), so views are linkable and Back works. */
export function useHashRoute(fallback: string): string {
  const r = pageRouter();
  return useSyncExternalStore(r.subscribe, r.current) || fallback;
}
