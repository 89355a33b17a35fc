import { z } from 'zod';
import type { EventEnvelope } from '../contract/events.ts';
import type { ApiBridge } from './api-bridge.ts';
import type { AudioBridge } from './audio-bridge.ts';
import type { EventBridge } from './event-bridge.ts';
import { INVOKE, PUSH, SEND, type AudioOut, type DesktopWindow } from './ipc-contract.ts';
import type { IpcHandlers } from './ipc-router.ts';

export interface ShellControls {
  openWindow(which: DesktopWindow, view?: string): void;
  getStartAtLogin(): Promise<boolean | null>;
  setStartAtLogin(enabled: boolean): Promise<boolean | null>;
}

export interface DesktopIpcDeps {
  api: Pick<ApiBridge, 'call'>;
  events: Pick<EventBridge, 'subscribe' | 'unsubscribe'>;
  audio: Pick<AudioBridge, 'open' | 'frame' | 'control' | 'close'>;
  shell: ShellControls;
  /** Send to one window, if it still exists. */
  push(contentsId: number, channel: (typeof PUSH)[keyof typeof PUSH], payload: EventEnvelope | AudioOut): void;
}

const WindowArgs = z.tuple([z.enum(['dashboard', 'settings']), z.string().regex(/^[a-z-]{1,32}$/).optional()]);
const BooleanArg = z.tuple([z.boolean()]);
const ControlArg = z.tuple([z.enum(['mute', 'unmute', 'stop'])]);

/** Arguments a channel accepts, or an Error naming the channel (never trust what a page sends). */
function args<T>(schema: z.ZodType<T>, channel: string, raw: unknown[]): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`bad arguments for ${channel}`);
  return parsed.data;
}

/**
 * Every IPC channel of the contract mapped to the shell's bridges, with each message's
 * arguments validated. Sender checks happen before these run (registerIpc).
 */
export function createDesktopIpcHandlers(deps: DesktopIpcDeps): IpcHandlers {
  return {
    invoke: {
      [INVOKE.call]: (_sender, [route, input]) => deps.api.call(route, input),
      [INVOKE.audioOpen]: ({ contentsId }, [rate]) =>
        deps.audio.open(contentsId, rate, (message) => deps.push(contentsId, PUSH.audioOut, message)),
      [INVOKE.openWindow]: (_sender, raw) => {
        const [which, view] = args(WindowArgs, INVOKE.openWindow, raw);
        deps.shell.openWindow(which, view);
      },
      [INVOKE.getStartAtLogin]: () => deps.shell.getStartAtLogin(),
      [INVOKE.setStartAtLogin]: (_sender, raw) => deps.shell.setStartAtLogin(args(BooleanArg, INVOKE.setStartAtLogin, raw)[0]),
    },
    send: {
      [SEND.eventsSubscribe]: ({ contentsId }) => deps.events.subscribe(contentsId, (envelope) => deps.push(contentsId, PUSH.event, envelope)),
      [SEND.eventsUnsubscribe]: ({ contentsId }) => deps.events.unsubscribe(contentsId),
      [SEND.audioFrame]: ({ contentsId }, [frame]) => {
        const problem = deps.audio.frame(contentsId, frame);
        if (problem) deps.push(contentsId, PUSH.audioOut, { type: 'error', code: 'bad_frame', message: problem });
      },
      [SEND.audioControl]: ({ contentsId }, raw) => deps.audio.control(contentsId, args(ControlArg, SEND.audioControl, raw)[0]),
      [SEND.audioClose]: ({ contentsId }) => deps.audio.close(contentsId),
    },
  };
}

/** What a closed or reloaded window leaves behind: its event subscription and its audio. */
export function forgetWindow(deps: Pick<DesktopIpcDeps, 'events' | 'audio'>, contentsId: number): void {
  deps.events.unsubscribe(contentsId);
  deps.audio.close(contentsId);
}
