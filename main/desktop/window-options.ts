/**
 * Options for every Kiwi window, in one place so a test can hold them to the Electron security
 * checklist: no Node in the page, isolated context, sandboxed renderer, no webviews.
 * (No electron import here: the test runs under plain Node.)
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
    spellcheck: false,
  } as const;
}

/** Navigation stays on Kiwi's own dashboard origin; everything else is refused. */
export function isOwnDashboardUrl(url: string, dashboardOrigin: string): boolean {
  try {
    return new URL(url).origin === dashboardOrigin;
  } catch {
    return false; // not a URL at all: refuse
  }
}
