import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../client/kiwi-client.ts';
import { focusable, focusLost } from './focus.ts';

/**
 * One button's request: busy while it runs, its error (if any) to show next to it.
 * Buttons are disabled while busy, and a disabled button drops the keyboard focus to the page: once
 * the request is over, the control that started it gets the focus back (if it is still there and
 * nothing else took the focus meanwhile).
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The control, and whether a render has shown this request running: the effects of the render
  // that ended the previous request can run after this one started (React runs them late).
  const startedBy = useRef<{ el: HTMLElement; seenBusy: boolean } | null>(null);
  useEffect(() => {
    const started = startedBy.current;
    if (!started) return;
    if (busy) return void (started.seenBusy = true);
    if (!started.seenBusy) return;
    startedBy.current = null;
    if (focusLost() && focusable(started.el)) started.el.focus();
  }, [busy]);
  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    const active = document.activeElement;
    startedBy.current = active instanceof HTMLElement && active !== document.body ? { el: active, seenBusy: false } : null;
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}
