import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { autostartEntry, autostartFile, createLoginItems, launcherPath, quoteExecArg, readStartAtLogin, type LoginItemApp } from './login-item.ts';

const noApp: LoginItemApp = {
  getLoginItemSettings: () => {
    throw new Error('not on Linux');
  },
  setLoginItemSettings: () => {
    throw new Error('not on Linux');
  },
};

describe('start at login on Linux (XDG autostart)', () => {
  let home: string;
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-home-'));
  });
  afterEach(() => fs.rm(home, { recursive: true, force: true }));

  it('an autostart entry Kiwi cannot read hides the tray item and is reported; Kiwi still starts', async () => {
    const items = createLoginItems({ platform: 'linux', app: noApp, execPath: '/opt/Kiwi/kiwi', env: { HOME: home } });
    await fs.mkdir(path.join(home, '.config', 'autostart', 'kiwi.desktop'), { recursive: true }); // not a file: reading it fails
    await expect(items.get()).rejects.toThrow(/EISDIR/);
    const report = vi.fn();
    expect(await readStartAtLogin(items, report)).toBeNull();
    expect(report).toHaveBeenCalledWith(expect.stringMatching(/^cannot read whether Kiwi starts at login: .*EISDIR/));
    expect(await readStartAtLogin(createLoginItems({ platform: 'linux', app: noApp, execPath: '/k', env: { HOME: path.join(home, 'fresh') } }), report)).toBe(false);
    expect(await readStartAtLogin(createLoginItems({ platform: 'freebsd', app: noApp, execPath: '/k', env: {} }), report)).toBeNull();
    expect(report).toHaveBeenCalledTimes(1);
  });

  it('writes and removes ~/.config/autostart/kiwi.desktop starting Kiwi hidden', async () => {
    const items = createLoginItems({ platform: 'linux', app: noApp, execPath: '/opt/Kiwi/kiwi', env: { HOME: home } });
    const file = path.join(home, '.config', 'autostart', 'kiwi.desktop');
    expect(items.supported).toBe(true);
    expect(await items.get()).toBe(false);
    expect(await items.set(true)).toBe(true);
    const text = await fs.readFile(file, 'utf8');
    expect(text).toMatch(/^\[Desktop Entry\]\n/);
    expect(text).toContain('\nExec=/opt/Kiwi/kiwi --hidden\n');
    expect(text).toContain('\nType=Application\n');
    expect(await items.set(false)).toBe(false);
    await expect(fs.access(file)).rejects.toThrow();
    expect(await items.set(false)).toBe(false); // already off
  });

  it('uses XDG_CONFIG_HOME and the AppImage file rather than its temporary mount', async () => {
    const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, 'cfg'), APPIMAGE: '/home/me/Apps/Kiwi 1.0.AppImage' };
    const items = createLoginItems({ platform: 'linux', app: noApp, execPath: '/tmp/.mount_KiwiXYZ/kiwi', env });
    await items.set(true);
    const text = await fs.readFile(path.join(home, 'cfg', 'autostart', 'kiwi.desktop'), 'utf8');
    expect(text).toContain('Exec="/home/me/Apps/Kiwi 1.0.AppImage" --hidden');
    expect(autostartFile({ HOME: home, XDG_CONFIG_HOME: 'relative/ignored' })).toBe(path.join(home, '.config', 'autostart', 'kiwi.desktop'));
  });

  it('an entry the desktop disabled counts as off', async () => {
    const file = autostartFile({ HOME: home });
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, autostartEntry('/opt/kiwi').replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
    expect(await createLoginItems({ platform: 'linux', app: noApp, execPath: '/opt/kiwi', env: { HOME: home } }).get()).toBe(false);
  });
});

describe('desktop entry quoting', () => {
  it('quotes only when needed and escapes the reserved characters', () => {
    expect(quoteExecArg('/usr/bin/kiwi')).toBe('/usr/bin/kiwi');
    expect(quoteExecArg('/a b/kiwi')).toBe('"/a b/kiwi"');
    expect(quoteExecArg('/x/$HOME/`id`/"q"\\')).toBe('"/x/\\$HOME/\\`id\\`/\\"q\\"\\\\"');
    expect(launcherPath({ platform: 'win32', execPath: 'C:\\Kiwi\\Kiwi.exe', env: { APPIMAGE: '/x' } })).toBe('C:\\Kiwi\\Kiwi.exe');
  });
});

describe('start at login on macOS and Windows (Electron login items)', () => {
  function fakeApp() {
    let open = false;
    const app = {
      getLoginItemSettings: vi.fn(() => ({ openAtLogin: open })),
      setLoginItemSettings: vi.fn((s: { openAtLogin: boolean }) => void (open = s.openAtLogin)),
    };
    return app;
  }

  it('Windows registers the executable with --hidden', async () => {
    const app = fakeApp();
    const items = createLoginItems({ platform: 'win32', app, execPath: 'C:\\Kiwi\\Kiwi.exe', env: {} });
    expect(await items.set(true)).toBe(true);
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: ['--hidden'], path: 'C:\\Kiwi\\Kiwi.exe' });
    expect(app.getLoginItemSettings).toHaveBeenCalledWith({ args: ['--hidden'] });
    expect(await items.get()).toBe(true);
  });

  it('macOS uses the plain login item', async () => {
    const app = fakeApp();
    const items = createLoginItems({ platform: 'darwin', app, execPath: '/Applications/Kiwi.app/Contents/MacOS/Kiwi', env: {} });
    expect(await items.set(true)).toBe(true);
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true });
    expect(await items.set(false)).toBe(false);
  });

  it('other platforms have none', async () => {
    const items = createLoginItems({ platform: 'freebsd', app: noApp, execPath: '/x', env: {} });
    expect(items.supported).toBe(false);
    expect(await items.set(true)).toBe(false);
  });
});
