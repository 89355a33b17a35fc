import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, ipcMain, protocol, session, systemPreferences } from 'electron';
import { startKiwi, type RunningKiwi } from '../app/start.ts';
import { StreamResampler } from '../engine/audio/resampler.ts';
import { describeError } from '../platform/errors.ts';
import { createLogger } from '../platform/logger.ts';
import { appRoot, resourcesDir } from '../platform/paths.ts';
import { ApiBridge } from './api-bridge.ts';
import { APP_SCHEME_PRIVILEGES, answerAppRequest } from './app-protocol.ts';
import { AudioBridge } from './audio-bridge.ts';
import { createDesktopIpcHandlers, forgetWindow } from './desktop-ipc.ts';
import { EventBridge } from './event-bridge.ts';
import { APP_SCHEME } from './ipc-contract.ts';
import { registerIpc } from './ipc-router.ts';
import { claimSingleInstance, createLaunchQueue, desktopEnv, firstWindow, parseLaunchArgs, quitWithin, type LaunchRequest } from './launch.ts';
import { createLoginItems, readStartAtLogin } from './login-item.ts';
import { createTray, type KiwiTray } from './tray.ts';
import { trayStateOf } from './tray-model.ts';
import { allowPermission } from './window-options.ts';
import { WindowManager } from './windows.ts';
import { SAMPLE_RATE } from '../contract/audio.ts';
import { systemClock } from '../platform/clock.ts';
import { createQuitFlow, WindowCloser } from './quit-flow.ts';

/**
 * The desktop shell: the same engine and server as `kiwi serve`, in Electron's main process, with
 * a tray, hardened windows on app://kiwi and the preload API over IPC. It only wires: every
 * decision lives in a module next to it that the tests run without Electron.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const logger = createLogger();
const iconDir = path.join(resourcesDir, 'icons');
// Before `ready`: app:// is a standard, secure origin (microphone allowed, own storage, CSP applies).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

let kiwi: RunningKiwi | null = null;
let tray: KiwiTray | null = null;
let startAtLogin: boolean | null = null;
const loginItems = createLoginItems({ platform: process.platform, app, execPath: process.execPath, env: process.env });

const closer = new WindowCloser(systemClock);
const windows = new WindowManager({
  preloadPath: path.join(here, 'preload.cjs'),
  iconPath: path.join(iconDir, 'icon-256.png'),
  onContentsGone: (id) => bridges && forgetWindow(bridges, id),
  log: (message) => logger.warn(message),
  closer,
});
/** Kiwi stopped by itself (POST /api/shutdown): the quit that follows asks no window. */
let stoppedByItself = false;
const quitFlow = createQuitFlow({
  windows: () => windows.userWindows(),
  closer,
  proceed: () => {
    const running = kiwi;
    if (!running) return;
    kiwi = null;
    launches.quitting();
    tray?.destroy();
    windows.closeAll();
    quitWithin(() => running.stop('quit'), (code) => app.exit(code), (problem) => logger.error(problem), systemClock);
  },
});
let bridges: { events: EventBridge; audio: AudioBridge } | null = null;

function show(request: LaunchRequest): void {
  if (request.settings) windows.open('settings');
  else windows.open('dashboard');
}

async function setStartAtLogin(enabled: boolean): Promise<boolean | null> {
  if (!loginItems.supported) return null;
  startAtLogin = await loginItems.set(enabled);
  tray?.refresh();
  return startAtLogin;
}

async function start(launch: LaunchRequest): Promise<void> {
  const rendererDir = path.join(appRoot, 'dist', 'renderer');
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = await answerAppRequest(request.url, rendererDir, (file) => fs.readFile(file));
    return new Response(answer.body as ConstructorParameters<typeof Response>[0], { status: answer.status, headers: answer.headers });
  });
  // Default-deny every permission except the microphone (audio only) for Kiwi's own pages.
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(allowPermission(permission, details.requestingUrl, mediaTypes));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, origin, details) =>
    allowPermission(permission, details.requestingUrl ?? origin, details.mediaType ? [details.mediaType] : []),
  );
  if (process.platform === 'darwin') await systemPreferences.askForMediaAccess('microphone');

  const running = await startKiwi({ env: desktopEnv(process.env), logger });
  kiwi = running;
  const { runtime } = running;
  void running.stopped.then(() => {
    stoppedByItself = true;
    app.quit(); // POST /api/shutdown ends the app too
  });

  const api = new ApiBridge(() => running.server.url);
  const events = new EventBridge(runtime.bus, () => runtime.engine.state);
  const audio = new AudioBridge({ hub: runtime.hub, stopEngine: () => runtime.engine.stop(), resampler: (rate) => new StreamResampler(rate, SAMPLE_RATE) });
  bridges = { events, audio };
  const handlers = createDesktopIpcHandlers({
    api,
    events,
    audio,
    shell: {
      openWindow: (which, view) => windows.open(which, view),
      getStartAtLogin: async () => (loginItems.supported ? (startAtLogin = await loginItems.get()) : null),
      setStartAtLogin,
    },
    push: (id, channel, payload) => windows.send(id, channel, payload),
  });
  registerIpc(ipcMain, handlers, windows.isKnown, (channel, why) => logger.warn(`refused IPC on ${channel}: ${why}`));

  startAtLogin = await readStartAtLogin(loginItems, (problem) => logger.warn(problem));
  tray = createTray(
    iconDir,
    () => {
      const status = runtime.status(0);
      return trayStateOf({
        state: status.state,
        listening: runtime.config.current.listening, // the switch as the user set it; a missing VAD shows as the problem line
        isSpeaking: status.is_speaking,
        missing: status.missing,
        souls: runtime.souls.list(),
        activeSoul: status.active_soul,
        allowNsfw: runtime.config.current.souls.allow_nsfw,
        startAtLogin,
      });
    },
    {
      setListening: (on) => void runtime.config.patch({ listening: on }).catch((err: unknown) => logger.error({ err }, 'listening switch failed')),
      stop: () => runtime.engine.stop(),
      switchSoul: (id) => {
        try {
          runtime.souls.switchTo(id);
        } catch (err) {
          logger.warn(`soul switch refused: ${describeError(err)}`);
        }
      },
      openDashboard: (view) => windows.open('dashboard', view),
      openSettings: () => windows.open('settings'),
      setStartAtLogin: (on) => void setStartAtLogin(on).catch((err: unknown) => logger.error({ err }, 'start at login failed')),
      quit: () => app.quit(),
    },
  );
  runtime.bus.subscribe((envelope) => tray?.onEvent(envelope.event));

  windows.open('audio'); // the microphone and speaker, hidden
  const openedAtLogin = process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
  const first = firstWindow(launch, openedAtLogin, runtime.engine.missing.length);
  if (first) windows.open(first.kind, first.kind === 'dashboard' ? first.view : undefined);
  launches.ready(); // a launch while Kiwi was starting shows its window now
}

const launch = parseLaunchArgs(process.argv);
const launches = createLaunchQueue(show);
if (claimSingleInstance(app, (request) => launches.request(request))) {
  app.on('window-all-closed', () => undefined); // keep running in the tray; quit from its menu
  app.on('before-quit', (event) => {
    if (!kiwi) return;
    event.preventDefault();
    // Each window's page is asked first, as closing it does: unsaved edits ask, "Stay" calls the quit off.
    void quitFlow.request(stoppedByItself);
  });
  void app.whenReady().then(() =>
    start(launch).catch((err: unknown) => {
      logger.error({ err }, 'Kiwi could not start');
      dialog.showErrorBox('Kiwi could not start', describeError(err));
      app.exit(1);
    }),
  );
}
