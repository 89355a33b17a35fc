import type { Clock } from '../platform/clock.ts';

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

/**
 * Launches of Kiwi while it is still starting (the models load for several seconds) wait until it
 * is up instead of being dropped: double-clicking the icon again, or opening it while the login
 * copy starts hidden, then shows a window. After quitting began, a launch is ignored (the new
 * process the person started exits on the lock; the next launch finds no Kiwi and starts afresh).
 */
export function createLaunchQueue(show: (request: LaunchRequest) => void) {
  let phase: 'starting' | 'running' | 'quitting' = 'starting';
  let pending: LaunchRequest | null = null;
  return {
    request(request: LaunchRequest): void {
      if (phase === 'running') show(request);
      else if (phase === 'starting') pending = pending ? { hidden: pending.hidden && request.hidden, settings: pending.settings || request.settings } : request;
    },
    /** Kiwi is up: show what was asked for meanwhile. */
    ready(): void {
      if (phase !== 'starting') return;
      phase = 'running';
      const waiting = pending;
      pending = null;
      if (waiting && !waiting.hidden) show(waiting);
    },
    quitting(): void {
      phase = 'quitting';
      pending = null;
    },
  };
}

/** How long quitting may take before the process ends anyway. */
export const QUIT_DEADLINE_MS = 10_000;

/**
 * Stop Kiwi (the running turn, the server, the database), then exit; if stopping fails or hangs,
 * exit anyway once the deadline passes: a Kiwi stuck half-stopped would keep the port and the
 * single-instance lock, and every later launch would be sent to a process with no windows.
 */
export function quitWithin(
  stop: () => Promise<void>,
  exit: (code: number) => void,
  report: (problem: string) => void,
  clock: Clock,
  deadlineMs = QUIT_DEADLINE_MS,
): void {
  let done = false;
  const finish = (code: number) => {
    if (done) return;
    done = true;
    cancel();
    exit(code);
  };
  const cancel = clock.setTimer(() => {
    report(`Kiwi did not stop within ${deadlineMs / 1000} s; quitting anyway`);
    finish(1);
  }, deadlineMs);
  stop().then(
    () => finish(0),
    (err: unknown) => {
      report(`stopping Kiwi failed: ${err instanceof Error ? err.message : String(err)}`);
      finish(1);
    },
  );
}
