import { describe, expect, it } from 'vitest';
import { isOwnDashboardUrl, secureWebPreferences } from './window-options.ts';

describe('desktop window options', () => {
  it('keep the renderer sandboxed, isolated and without Node', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(prefs.preload).toBe('/app/preload.cjs');
  });

  it('allow navigation only to the dashboard origin', () => {
    const origin = 'http://127.0.0.1:7789';
    expect(isOwnDashboardUrl('http://127.0.0.1:7789/#/souls', origin)).toBe(true);
    expect(isOwnDashboardUrl('http://127.0.0.1:7790/', origin)).toBe(false);
    expect(isOwnDashboardUrl('https://example.com/', origin)).toBe(false);
    expect(isOwnDashboardUrl('javascript:alert(1)', origin)).toBe(false);
    expect(isOwnDashboardUrl('not a url', origin)).toBe(false);
  });
});
