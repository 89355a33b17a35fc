import type { Clock } from '../platform/clock.ts';

/**
 * Quitting the desktop app (tray's Quit, Cmd+Q, the OS logging out) asks each window's page first,
 * as closing that window does: a page with unsaved edits asks (beforeunload), and "Stay" calls the
 * quit off. No electron import: the shell hands in its windows through QuitWindow.
 */
export interface QuitWindow {
  isDestroyed(): boolean;
  /** Close as the user would: the page may refuse (beforeunload) and ask. */
  close(): void;
  /** Close without asking. */
  destroy(): void;
  once(event: 'closed', listener: () => void): void;
  removeListener(event: 'closed', listener: () => void): void;
}

/** A page that does not answer a close within this long (a hung renderer) is closed without it. */
export const UNRESPONSIVE_CLOSE_MS = 5000;

/**
 * The close requests in flight, one per window: `close` resolves true once the window closed,
 * false when the user chose to stay with its unsaved edits (the shell reports that, `stayed`).
 */
export class WindowCloser {
  readonly #stay = new Map<QuitWindow, () => void>();

  constructor(
    private readonly clock: Clock,
    private readonly unresponsiveMs = UNRESPONSIVE_CLOSE_MS,
  ) {}

  close(window: QuitWindow): Promise<boolean> {
    if (window.isDestroyed()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const settle = (closed: boolean) => {
        cancel();
        window.removeListener('closed', onClosed);
        this.#stay.delete(window);
        resolve(closed);
      };
      const onClosed = () => settle(true);
      window.once('closed', onClosed);
      this.#stay.set(window, () => settle(false));
      const cancel = this.clock.setTimer(() => {
        if (!window.isDestroyed()) window.destroy();
      }, this.unresponsiveMs);
      window.close();
    });
  }

  /** The user answered "Stay" on `window`'s unsaved-changes question: its close (if one is asked for) is called off. */
  stayed(window: QuitWindow): void {
    this.#stay.get(window)?.();
  }
}

export interface QuitFlowDeps {
  /** Kiwi's windows that may hold the user's edits (not the hidden audio window), in the order to ask. */
  windows(): QuitWindow[];
  closer: WindowCloser;
  /** Every window may go: destroy what is left, stop Kiwi and exit. Called once. */
  proceed(): void;
}

/**
 * The app's `before-quit`, which always holds the quit (`proceed` exits when it is time). Windows
 * are asked one at a time, so one question is on screen at once; "Stay" on any calls the whole quit off, and a later Quit asks
 * again. A Quit while the windows are being asked is the same quit. `force` (Kiwi stopped by
 * itself, POST /api/shutdown) asks nothing: the server behind the pages is gone.
 */
export function createQuitFlow(deps: QuitFlowDeps): { request(force?: boolean): Promise<boolean> } {
  let asking: Promise<boolean> | null = null;
  let done = false;
  const finish = () => {
    if (!done) {
      done = true;
      deps.proceed();
    }
    return true;
  };
  const ask = async () => {
    try {
      for (const window of deps.windows()) {
        if (!(await deps.closer.close(window))) return done; // the user stayed: Kiwi keeps running
      }
      return finish();
    } finally {
      asking = null;
    }
  };
  return {
    /** Resolves true once the quit went ahead, false when the user stayed. */
    request(force = false) {
      if (done) return Promise.resolve(true);
      if (force) return Promise.resolve(finish());
      return (asking ??= ask());
    },
  };
}
