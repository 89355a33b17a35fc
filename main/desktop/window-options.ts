import { APP_ORIGIN, type DesktopWindow } from './ipc-contract.ts';

/**
 * Options and policies for every Kiwi window, in one place so tests can hold them to the Electron
 * security checklist: no Node in the page, isolated context, sandboxed renderer, no webviews, only
 * Kiwi's own origin, no new windows. (No electron import here: the tests run under plain Node.)
 */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  } as const;
}

/** The windows the shell opens; `audio` is the hidden one that owns the microphone and speaker. */
export type WindowKind = DesktopWindow | 'audio';

const SIZES: Record<WindowKind, { width: number; height: number; minWidth: number; minHeight: number }> = {
  dashboard: { width: 1100, height: 760, minWidth: 640, minHeight: 480 },
  settings: { width: 820, height: 760, minWidth: 560, minHeight: 480 },
  audio: { width: 320, height: 200, minWidth: 320, minHeight: 200 },
};

/** BrowserWindow options for one kind of window (shown once its page is ready, never before). */
export function windowOptions(kind: WindowKind, preloadPath: string, iconPath?: string) {
  const audio = kind === 'audio';
  return {
    ...SIZES[kind],
    title: kind === 'settings' ? 'Kiwi Settings' : kind === 'audio' ? 'Kiwi Audio' : 'Kiwi',
    show: false,
    backgroundColor: '#10151c',
    autoHideMenuBar: true,
    skipTaskbar: audio,
    focusable: !audio,
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      ...secureWebPreferences(preloadPath),
      // The audio window is never shown: it must keep capturing and playing at full speed, and
      // play replies without a click (there is nobody to click in a hidden window).
      backgroundThrottling: !audio,
      autoplayPolicy: audio ? ('no-user-gesture-required' as const) : ('user-gesture-required' as const),
    },
  };
}

/** The page a window loads: one desktop entry that renders the view its `window` query names. */
export function windowUrl(kind: WindowKind, view?: string): string {
  const url = new URL('/desktop.html', APP_ORIGIN);
  url.searchParams.set('window', kind);
  if (view) url.hash = `#/${encodeURIComponent(view)}`;
  return url.href;
}

/** True only for a URL on Kiwi's own origin (`app://kiwi`). */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN;
  } catch {
    return false; // not a URL at all: refuse
  }
}

/** will-navigate / will-redirect: a window may only move within Kiwi's own pages. */
export function allowNavigation(target: string): boolean {
  return isAppUrl(target);
}

/**
 * window.open and target=_blank: never a new Electron window. A plain web link (a model's
 * homepage, a licence) opens in the system browser; anything else (file:, javascript:, custom
 * schemes that launch programs) is dropped.
 */
export function windowOpenDecision(target: string): { action: 'deny'; openExternally: string | null } {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { action: 'deny', openExternally: null };
  }
  const web = (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  return { action: 'deny', openExternally: web && !isAppUrl(target) ? url.href : null };
}

/**
 * Permission requests: the microphone (audio only, never the camera) for Kiwi's own pages;
 * every other permission (notifications, geolocation, USB, ...) is refused.
 */
export function allowPermission(permission: string, requestingUrl: string | undefined, mediaTypes: readonly string[] = []): boolean {
  if (!isAppUrl(requestingUrl)) return false;
  if (permission !== 'media') return false;
  return mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio');
}

/**
 * The Content-Security-Policy of every Kiwi page: only its own scripts and styles, no inline
 * code, no eval, no plugins, no frames, nothing loaded from the network. The page talks to Kiwi
 * through the preload API, so it needs no network origin at all ('self' is the static app:// files).
 */
export const DESKTOP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * A page with unsaved edits (a soul being written, changed settings) asks before it is closed or
 * reloaded. Electron shows nothing by itself: without this question the window would just refuse
 * to close. The answer's index: 0 leaves (the edits are dropped), 1 (also Esc) stays.
 */
export const UNSAVED_CHANGES_DIALOG = {
  type: 'question',
  buttons: ['Leave without saving', 'Stay'],
  defaultId: 1,
  cancelId: 1,
  noLink: true,
  title: 'Unsaved changes',
  message: 'This window has changes that are not saved.',
  detail: 'Leave without saving them?',
} as const;

/** Whether the person chose to leave (Electron then ignores the page's beforeunload). */
export function leaveDespiteUnsaved(response: number): boolean {
  return response === 0;
}
