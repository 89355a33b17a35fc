import { useSyncExternalStore } from 'react';

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

/** The view named in the URL's hash (#/souls → 'souls'), so views are linkable and Back works. */
export function useHashRoute(fallback: string): string {
  return useSyncExternalStore(subscribe, () => location.hash.replace(/^#\/?/, '') || fallback);
}
