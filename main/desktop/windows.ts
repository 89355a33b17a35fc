import { BrowserWindow, dialog, shell, type WebContents } from 'electron';
import type { WindowCloser } from './quit-flow.ts';
import {
  UNSAVED_CHANGES_DIALOG,
  allowNavigation,
  leaveDespiteUnsaved,
  windowOpenDecision,
  windowOptions,
  windowUrl,
  type WindowKind,
} from './window-options.ts';

export interface WindowManagerOptions {
  preloadPath: string;
  iconPath?: string;
  /** A window's page is gone (closed, reloaded, crashed): drop what it held (events, audio). */
  onContentsGone(contentsId: number): void;
  log(message: string): void;
  /** Closes asked for by a quit: told when the user stays with a page's unsaved edits. */
  closer: WindowCloser;
}

/**
 * Kiwi's windows (dashboard, settings, the hidden audio window): created hardened, one of each,
 * shown again instead of duplicated. Thin wiring: the options and policies are window-options.ts.
 */
export class WindowManager {
  readonly #windows = new Map<WindowKind, BrowserWindow>();
  readonly #contents = new Map<number, WebContents>();

  constructor(private readonly options: WindowManagerOptions) {}

  /** Whether IPC from this webContents may be trusted (one of ours, still open). */
  isKnown = (contentsId: number): boolean => this.#contents.has(contentsId);

  send(contentsId: number, channel: string, payload: unknown): void {
    const contents = this.#contents.get(contentsId);
    if (contents && !contents.isDestroyed()) contents.send(channel, payload);
  }

  open(kind: WindowKind, view?: string): void {
    const existing = this.#windows.get(kind);
    if (existing && !existing.isDestroyed()) {
      if (view) void existing.loadURL(windowUrl(kind, view));
      if (kind !== 'audio') {
        existing.show();
        existing.focus();
      }
      return;
    }
    const window = new BrowserWindow(windowOptions(kind, this.options.preloadPath, this.options.iconPath));
    const contents = window.webContents;
    const id = contents.id;
    this.#windows.set(kind, window);
    this.#contents.set(id, contents);
    this.#harden(contents);
    if (kind !== 'audio') window.once('ready-to-show', () => window.show());
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) this.options.onContentsGone(id); // a reload starts afresh
    });
    // The page asks before its unsaved edits are dropped (beforeunload): Electron shows no question by itself.
    contents.on('will-prevent-unload', (event) => {
      const response = dialog.showMessageBoxSync(window, { ...UNSAVED_CHANGES_DIALOG, buttons: [...UNSAVED_CHANGES_DIALOG.buttons] });
      if (leaveDespiteUnsaved(response)) event.preventDefault();
      else this.options.closer.stayed(window); // a quit that asked for this close is called off
    });
    contents.on('render-process-gone', (_event, details) => {
      this.options.log(`${kind} window's renderer is gone (${details.reason})`);
      this.options.onContentsGone(id);
      if (kind === 'audio' && details.reason !== 'clean-exit') setTimeout(() => this.open('audio'), 2000).unref();
    });
    window.on('closed', () => {
      this.#windows.delete(kind);
      this.#contents.delete(id);
      this.options.onContentsGone(id);
    });
    void window.loadURL(windowUrl(kind, view));
  }

  /** The windows that may hold the user's edits (not the hidden audio window), for a quit to ask. */
  userWindows(): BrowserWindow[] {
    return [...this.#windows.entries()].filter(([kind, window]) => kind !== 'audio' && !window.isDestroyed()).map(([, window]) => window);
  }

  closeAll(): void {
    for (const window of this.#windows.values()) if (!window.isDestroyed()) window.destroy();
  }

  #harden(contents: WebContents): void {
    const refuse = (event: { preventDefault(): void }, target: string) => {
      if (allowNavigation(target)) return;
      event.preventDefault();
      this.options.log(`blocked navigation to ${target}`);
    };
    contents.on('will-navigate', (event) => refuse(event, event.url));
    contents.on('will-redirect', (event) => refuse(event, event.url));
    contents.on('will-frame-navigate', (event) => refuse(event, event.url));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = windowOpenDecision(url);
      if (decision.openExternally) void shell.openExternal(decision.openExternally);
      else this.options.log(`blocked window.open of ${url}`);
      return { action: decision.action };
    });
  }
}
