import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, session, shell } from 'electron';
import { startKiwi, type RunningKiwi } from '../app/start.ts';
import { createLogger } from '../platform/logger.ts';
import { isOwnDashboardUrl, secureWebPreferences } from './window-options.ts';

/**
 * The desktop shell: the same engine and server as `kiwi serve`, in Electron's main process,
 * with a hardened window on the dashboard. It only wires; everything else lives in the engine.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
let kiwi: RunningKiwi | null = null;
let window: BrowserWindow | null = null;

function openWindow(url: string): void {
  if (window) {
    window.show();
    window.focus();
    return;
  }
  const origin = new URL(url).origin;
  window = new BrowserWindow({
    width: 1100,
    height: 760,
    title: 'Kiwi',
    webPreferences: secureWebPreferences(path.join(here, 'preload.cjs')),
  });
  window.webContents.on('will-navigate', (event, target) => {
    if (!isOwnDashboardUrl(target, origin)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url: target }) => {
    if (/^https?:\/\//.test(target) && !isOwnDashboardUrl(target, origin)) void shell.openExternal(target);
    return { action: 'deny' };
  });
  window.on('closed', () => (window = null));
  void window.loadURL(url);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => kiwi && openWindow(kiwi.server.url));
  app.on('window-all-closed', () => undefined); // keep running in the background; quit from the app menu
  app.on('before-quit', (event) => {
    if (!kiwi) return;
    event.preventDefault();
    const running = kiwi;
    kiwi = null;
    void running.stop('quit').finally(() => app.exit(0));
  });
  void app.whenReady().then(async () => {
    // Default-deny every permission except the microphone for our own dashboard.
    session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => {
      callback(permission === 'media' && kiwi !== null && isOwnDashboardUrl(contents.getURL(), kiwi.server.url));
    });
    kiwi = await startKiwi({ logger: createLogger() });
    openWindow(kiwi.server.url);
  });
}
