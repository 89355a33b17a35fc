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
  const startedBy = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const el = startedBy.current;
    if (busy || !el) return;
    startedBy.current = null;
    if (focusLost() && focusable(el)) el.focus();
  }, [busy]);
  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    const active = document.activeElement;
    startedBy.current = active instanceof HTMLElement && active !== document.body ? active : null;
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
