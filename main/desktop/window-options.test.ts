import { describe, expect, it } from 'vitest';
import {
  DESKTOP_CSP,
  UNSAVED_CHANGES_DIALOG,
  allowNavigation,
  allowPermission,
  isAppUrl,
  leaveDespiteUnsaved,
  secureWebPreferences,
  windowOpenDecision,
  windowOptions,
  windowUrl,
} from './window-options.ts';

describe('desktop window options', () => {
  it('keep the renderer sandboxed, isolated and without Node', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
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
    });
    expect(prefs.preload).toBe('/app/preload.cjs');
  });

  it.each(['dashboard', 'settings', 'audio'] as const)('every %s window gets the hardened preferences and starts hidden', (kind) => {
    const options = windowOptions(kind, '/p.cjs', '/icon.png');
    expect(options.webPreferences).toMatchObject(secureWebPreferences('/p.cjs'));
    expect(options.show).toBe(false);
    expect(options.icon).toBe('/icon.png');
    expect(options.width).toBeGreaterThanOrEqual(options.minWidth);
  });

  it('the hidden audio window is never throttled and may play without a click; visible windows need a gesture', () => {
    expect(windowOptions('audio', '/p.cjs').webPreferences).toMatchObject({ backgroundThrottling: false, autoplayPolicy: 'no-user-gesture-required' });
    expect(windowOptions('audio', '/p.cjs')).toMatchObject({ skipTaskbar: true, focusable: false });
    expect(windowOptions('dashboard', '/p.cjs').webPreferences).toMatchObject({ backgroundThrottling: true, autoplayPolicy: 'user-gesture-required' });
    expect(windowOptions('dashboard', '/p.cjs')).not.toHaveProperty('icon');
  });

  it('loads every window from app://kiwi/desktop.html, naming the window and the view', () => {
    expect(windowUrl('dashboard')).toBe('app://kiwi/desktop.html?window=dashboard');
    expect(windowUrl('dashboard', 'models')).toBe('app://kiwi/desktop.html?window=dashboard#/models');
    expect(windowUrl('settings')).toBe('app://kiwi/desktop.html?window=settings');
    expect(isAppUrl(windowUrl('audio'))).toBe(true);
  });

  it('allow navigation only within app://kiwi', () => {
    expect(allowNavigation('app://kiwi/desktop.html?window=dashboard#/souls')).toBe(true);
    for (const target of [
      'app://evil/desktop.html',
      'app://kiwi.evil/x',
      'http://127.0.0.1:7789/',
      'https://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'not a url',
      '',
    ]) {
      expect(allowNavigation(target), target).toBe(false);
    }
  });

  it('never opens a new window; web links go to the system browser, other schemes nowhere', () => {
    expect(windowOpenDecision('https://huggingface.co/model')).toEqual({ action: 'deny', openExternally: 'https://huggingface.co/model' });
    expect(windowOpenDecision('http://example.com/a?b=1')).toEqual({ action: 'deny', openExternally: 'http://example.com/a?b=1' });
    for (const target of ['file:///home/me/.ssh/id_rsa', 'javascript:alert(1)', 'smb://server/share', 'ms-settings:privacy', 'app://kiwi/desktop.html', 'https://user:pw@example.com/', 'nonsense']) {
      expect(windowOpenDecision(target), target).toEqual({ action: 'deny', openExternally: null });
    }
  });

  it('grants the microphone (audio only) to Kiwi pages and nothing else to anyone', () => {
    const page = 'app://kiwi/desktop.html?window=audio';
    expect(allowPermission('media', page, ['audio'])).toBe(true);
    expect(allowPermission('media', page, ['audio', 'video'])).toBe(false);
    expect(allowPermission('media', page, ['video'])).toBe(false);
    expect(allowPermission('media', page, [])).toBe(false);
    expect(allowPermission('media', 'https://example.com/', ['audio'])).toBe(false);
    expect(allowPermission('media', undefined, ['audio'])).toBe(false);
    for (const permission of ['notifications', 'geolocation', 'clipboard-read', 'display-capture', 'openExternal', 'hid', 'usb']) {
      expect(allowPermission(permission, page, ['audio']), permission).toBe(false);
    }
  });

  it('has a strict Content-Security-Policy: no inline code, no eval, no remote origins, no frames', () => {
    const directives = new Map(DESKTOP_CSP.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(DESKTOP_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });
});

describe('unsaved changes', () => {
  it('asks before a window with unsaved edits closes; Esc and Enter keep the edits', () => {
    const stay = UNSAVED_CHANGES_DIALOG.buttons.indexOf('Stay');
    expect(UNSAVED_CHANGES_DIALOG.cancelId).toBe(stay);
    expect(UNSAVED_CHANGES_DIALOG.defaultId).toBe(stay);
    expect(leaveDespiteUnsaved(stay)).toBe(false);
    expect(leaveDespiteUnsaved(UNSAVED_CHANGES_DIALOG.buttons.indexOf('Leave without saving'))).toBe(true);
  });
});

describe('desktop.html', () => {
  it('carries the same CSP as a meta tag (minus frame-ancestors, which a meta tag cannot set)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { appRoot } = await import('../platform/paths.ts');
    const html = readFileSync(join(appRoot, 'renderer', 'desktop.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(DESKTOP_CSP.replace("; frame-ancestors 'none'", ''));
  });
});
