/**
 * Start-up decisions as functions: the single-instance lock, what the command line asks for,
 * and which window (if any) to show first.
 */

/** `--hidden`: started at login, stay in the tray. `--settings`: open the settings window. */
export interface LaunchRequest {
  hidden: boolean;
  settings: boolean;
}

export const HIDDEN_FLAG = '--hidden';
export const SETTINGS_FLAG = '--settings';

export function parseLaunchArgs(argv: readonly string[]): LaunchRequest {
  return { hidden: argv.includes(HIDDEN_FLAG), settings: argv.includes(SETTINGS_FLAG) };
}

export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
}

/**
 * Only one Kiwi may own the microphone, the port and the database. The first instance keeps
 * running and is told about later launches (which quit at once): starting Kiwi again from the
 * menu or a desktop icon shows its window instead of failing on a busy port.
 */
export function claimSingleInstance(app: SingleInstanceApp, onSecondLaunch: (request: LaunchRequest) => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  // A second launch always means "show me Kiwi", even if it came with --hidden by mistake.
  app.on('second-instance', (_event, argv) => onSecondLaunch({ ...parseLaunchArgs(argv), hidden: false }));
  return true;
}

export type FirstWindow = { kind: 'dashboard'; view?: string } | { kind: 'settings' } | null;

/**
 * What to show when Kiwi starts: nothing when started at login (the tray is enough) unless
 * models are missing, the settings if asked for, else the dashboard; on its Overview, where the
 * first-run flow offers the missing parts' download, when the engine lacks parts (first run:
 * models are downloaded, never shipped in the installer).
 */
export function firstWindow(request: LaunchRequest, openedAtLogin: boolean, missingParts: number): FirstWindow {
  if (request.settings) return { kind: 'settings' };
  if (missingParts > 0) return { kind: 'dashboard', view: 'overview' };
  if (request.hidden || openedAtLogin) return null;
  return { kind: 'dashboard' };
}

/**
 * The environment the in-process engine starts with. In the desktop app the windows own the
 * microphone and speaker (over IPC), so the headless system audio is off unless the person set
 * KIWI_AUDIO_INPUT / KIWI_AUDIO_OUTPUT themselves.
 */
export function desktopEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, KIWI_AUDIO_INPUT: env.KIWI_AUDIO_INPUT ?? 'none', KIWI_AUDIO_OUTPUT: env.KIWI_AUDIO_OUTPUT ?? 'none' };
}
