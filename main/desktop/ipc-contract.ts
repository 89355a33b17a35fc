import type { EventEnvelope } from '../contract/events.ts';

/**
 * The one bridge between the desktop window and the main process: channel names and message
 * shapes, shared by main (handlers), the preload (the exposed API) and the renderer (the IPC
 * client). Types and constants only: the sandboxed preload and the browser bundle import it.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'kiwi';
/** The origin every Kiwi window is loaded from (a privileged custom scheme, never file://). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Renderer → main, answered (ipcRenderer.invoke / ipcMain.handle). */
export const INVOKE = {
  call: 'kiwi:call',
  audioOpen: 'kiwi:audio:open',
  openWindow: 'kiwi:shell:open-window',
  getStartAtLogin: 'kiwi:shell:get-start-at-login',
  setStartAtLogin: 'kiwi:shell:set-start-at-login',
} as const;

/** Renderer → main, one way (ipcRenderer.send / ipcMain.on). */
export const SEND = {
  eventsSubscribe: 'kiwi:events:subscribe',
  eventsUnsubscribe: 'kiwi:events:unsubscribe',
  audioFrame: 'kiwi:audio:frame',
  audioControl: 'kiwi:audio:control',
  audioClose: 'kiwi:audio:close',
} as const;

/** Main → renderer (webContents.send). */
export const PUSH = {
  event: 'kiwi:event',
  audioOut: 'kiwi:audio:out',
} as const;

export type InvokeChannel = (typeof INVOKE)[keyof typeof INVOKE];
export type SendChannel = (typeof SEND)[keyof typeof SEND];
export type PushChannel = (typeof PUSH)[keyof typeof PUSH];

/** What a REST call over IPC answers: errors cross the bridge as data (Error classes do not). */
export type CallResult =
  | { ok: true; status: number; data: unknown }
  | { ok: false; status: number; error: { code: string; message: string } };

export type AudioControl = 'mute' | 'unmute' | 'stop';

/** Reply audio for the renderer's speaker, as s16le mono at `sampleRate`. */
export type AudioOut =
  | { type: 'start'; sampleRate: number }
  | { type: 'chunk'; pcm: Int16Array }
  | { type: 'end'; interrupted: boolean }
  | { type: 'error'; code: string; message: string };

export type AudioOpenResult = { ok: true; engineSampleRate: number } | { ok: false; error: { code: string; message: string } };

export type DesktopWindow = 'dashboard' | 'settings';

/** `window.kiwi` in a Kiwi desktop window: the whole surface the page gets. */
export interface KiwiDesktopApi {
  readonly isDesktop: true;
  readonly platform: string;
  /** A REST route of the contract by id (main/contract/routes.ts), with `{params, body}`. */
  call(route: string, input?: { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown }): Promise<CallResult>;
  /** Every bus event as an envelope (first CONNECTED with the current state); returns unsubscribe. */
  subscribeEvents(listener: (event: EventEnvelope) => void): () => void;
  audio: {
    open(sampleRate: number): Promise<AudioOpenResult>;
    /** 20-250 ms of s16le mono at the opened rate. */
    send(pcm: Int16Array): void;
    control(action: AudioControl): void;
    close(): void;
    onOutput(listener: (message: AudioOut) => void): () => void;
  };
  shell: {
    openWindow(which: DesktopWindow, view?: string): Promise<void>;
    /** null where the platform has no login items Kiwi can set. */
    getStartAtLogin(): Promise<boolean | null>;
    setStartAtLogin(enabled: boolean): Promise<boolean | null>;
  };
}
