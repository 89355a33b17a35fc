import { useEffect } from 'react';

/**
 * Edits a person has typed but not saved (a soul being written, settings being changed). Leaving
 * the view or the page would throw them away without a word: the guard asks first.
 */
export interface LeaveGuard {
  /** Mark what `key` holds as unsaved (`what`: how the question names it) or saved again (null). */
  set(key: string, what: string | null): void;
  /** What is unsaved now, in the order it was started. */
  unsaved(): string[];
  /** True when nothing is unsaved, or the person agreed to throw it away. */
  mayLeave(): boolean;
}

export function leaveQuestion(unsaved: readonly string[]): string {
  return `You have unsaved changes (${unsaved.join(', ')}). Leave without saving them?`;
}

export function createLeaveGuard(ask: (question: string) => boolean): LeaveGuard {
  const pending = new Map<string, string>();
  return {
    set(key, what) {
      if (what === null) pending.delete(key);
      else pending.set(key, what);
    },
    unsaved: () => [...pending.values()],
    mayLeave() {
      if (pending.size === 0) return true;
      return ask(leaveQuestion([...pending.values()]));
    },
  };
}

/** The page's one guard: views consult it before switching, the tab before closing or reloading. */
export const leaveGuard = createLeaveGuard((question) => window.confirm(question));

let keys = 0;

/** While `what` is not null this component holds unsaved edits: switching views asks, closing the tab asks. */
export function useUnsavedChanges(what: string | null): void {
  useEffect(() => {
    if (what === null) return;
    const key = `unsaved-${++keys}`;
    leaveGuard.set(key, what);
    // The browser asks in its own words (it shows no page text); Electron's shell asks with its own dialog.
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      leaveGuard.set(key, null);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [what]);
}
