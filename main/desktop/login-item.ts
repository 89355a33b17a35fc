import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HIDDEN_FLAG } from './launch.ts';
import { writeFileAtomic } from '../platform/atomic-write.ts';

/** The parts of Electron's `app` used for login items on macOS and Windows. */
export interface LoginItemApp {
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[]; path?: string }): void;
}

export interface LoginItemHost {
  platform: NodeJS.Platform;
  app: LoginItemApp;
  /** The program to start: process.execPath, or $APPIMAGE inside an AppImage (execPath is a temporary mount there). */
  execPath: string;
  env: NodeJS.ProcessEnv;
}

export interface LoginItems {
  /** False where Kiwi cannot register itself (the tray then hides the item). */
  readonly supported: boolean;
  get(): Promise<boolean>;
  set(enabled: boolean): Promise<boolean>;
}

/** Where XDG desktops look for programs to start at login. */
export function autostartFile(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(env.HOME ?? os.homedir(), '.config');
  return path.join(config, 'autostart', 'kiwi.desktop');
}

/** A command-line argument quoted for a desktop entry's Exec key (the spec's reserved characters escaped). */
export function quoteExecArg(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
}

/** The XDG autostart entry that starts Kiwi in the tray at login. */
export function autostartEntry(execPath: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Kiwi',
    'Comment=Private on-device voice assistant',
    `Exec=${quoteExecArg(execPath)} ${HIDDEN_FLAG}`,
    'Icon=kiwi',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** The program a login item should start (an AppImage's own file, not its temporary mount). */
export function launcherPath(host: Pick<LoginItemHost, 'execPath' | 'env' | 'platform'>): string {
  return host.platform === 'linux' && host.env.APPIMAGE ? host.env.APPIMAGE : host.execPath;
}

/**
 * Start at login. macOS and Windows: Electron's login items (Windows gets --hidden; macOS tells
 * the app itself via wasOpenedAtLogin). Linux: an XDG autostart file, which Electron has no API for.
 */
export function createLoginItems(host: LoginItemHost): LoginItems {
  if (host.platform === 'linux') {
    const file = autostartFile(host.env);
    return {
      supported: true,
      async get() {
        try {
          const text = await fs.readFile(file, 'utf8');
          return !/^X-GNOME-Autostart-enabled=false$/m.test(text) && !/^Hidden=true$/m.test(text);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
          throw err;
        }
      },
      async set(enabled) {
        if (enabled) {
          await writeFileAtomic(file, autostartEntry(launcherPath(host)), 0o644); // never a half-written entry for the session to read
        } else {
          await fs.rm(file, { force: true });
        }
        return this.get();
      },
    };
  }
  if (host.platform === 'darwin' || host.platform === 'win32') {
    const args = host.platform === 'win32' ? [HIDDEN_FLAG] : undefined;
    return {
      supported: true,
      get: async () => host.app.getLoginItemSettings(args ? { args } : undefined).openAtLogin,
      async set(enabled) {
        host.app.setLoginItemSettings({ openAtLogin: enabled, ...(args ? { args, path: host.execPath } : {}) });
        return host.app.getLoginItemSettings(args ? { args } : undefined).openAtLogin;
      },
    };
  }
  return { supported: false, get: async () => false, set: async () => false };
}

/**
 * The tray's "Start at login" at start-up: what the login item says, or null (the item is hidden)
 * when it cannot be read, e.g. an autostart file Kiwi may not read. An unreadable login item is
 * reported, never a reason for Kiwi not to start.
 */
export async function readStartAtLogin(items: LoginItems, report: (problem: string) => void): Promise<boolean | null> {
  if (!items.supported) return null;
  try {
    return await items.get();
  } catch (err) {
    report(`cannot read whether Kiwi starts at login: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}
