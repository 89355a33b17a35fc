import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../engine/events/event-bus.ts';
import { createDesktopIpcHandlers, forgetWindow, type DesktopIpcDeps } from './desktop-ipc.ts';
import { EventBridge } from './event-bridge.ts';
import { INVOKE, PUSH, SEND, type AudioOut } from './ipc-contract.ts';
import { ForbiddenSenderError, registerIpc, senderCheck, type IpcEventLike, type IpcMainLike } from './ipc-router.ts';

/** Records what the router registers, and lets a test play the part of a renderer. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  readonly listeners = new Map<string, (event: IpcEventLike, ...args: unknown[]) => void>();
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void) {
    this.listeners.set(channel, listener);
  }
  removeAllListeners(channel: string) {
    this.listeners.delete(channel);
  }
  async invoke(event: IpcEventLike, channel: string, ...args: unknown[]) {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
  send(event: IpcEventLike, channel: string, ...args: unknown[]) {
    this.listeners.get(channel)?.(event, ...args);
  }
}

const OUR_WINDOW = 7;
const fromPage = (url: string, contentsId = OUR_WINDOW, parent: unknown = null): IpcEventLike => ({ sender: { id: contentsId }, senderFrame: { url, parent } });
const trusted = fromPage('app://kiwi/desktop.html?window=dashboard#/souls');

function setup() {
  const bus = new EventBus();
  const pushed: Array<{ id: number; channel: string; payload: unknown }> = [];
  const deps = {
    api: { call: vi.fn(async (route: unknown, input: unknown) => ({ ok: true as const, status: 200, data: { route, input } })) },
    events: new EventBridge(bus, () => 'IDLE'),
    audio: { open: vi.fn((_id: number, _rate: unknown, _send: (m: AudioOut) => void) => ({ ok: true as const, engineSampleRate: 16000 })), frame: vi.fn((): string | null => null), control: vi.fn(), close: vi.fn() },
    shell: { openWindow: vi.fn(), getStartAtLogin: vi.fn(async () => false), setStartAtLogin: vi.fn(async (on: boolean) => on) },
    push: (id: number, channel: string, payload: unknown) => pushed.push({ id, channel, payload }),
  } satisfies DesktopIpcDeps;
  const ipc = new FakeIpcMain();
  const refused: string[] = [];
  const unregister = registerIpc(ipc, createDesktopIpcHandlers(deps), (id) => id === OUR_WINDOW, (channel, why) => refused.push(`${channel}: ${why}`));
  return { bus, deps, ipc, pushed, refused, unregister };
}

describe('IPC sender checks', () => {
  it('trust only the top frame of a known window showing app://kiwi', () => {
    const known = (id: number) => id === OUR_WINDOW;
    expect(senderCheck(trusted, known)).toEqual({ ok: true, sender: { contentsId: OUR_WINDOW } });
    expect(senderCheck(fromPage('app://kiwi/desktop.html', OUR_WINDOW, { url: 'app://kiwi/' }), known)).toMatchObject({ ok: false, why: expect.stringContaining('sub-frame') });
    expect(senderCheck(fromPage('https://evil.example/', OUR_WINDOW), known)).toMatchObject({ ok: false, why: expect.stringContaining('evil.example') });
    expect(senderCheck(fromPage('http://127.0.0.1:7789/', OUR_WINDOW), known).ok).toBe(false);
    expect(senderCheck(fromPage('file:///tmp/x.html', OUR_WINDOW), known).ok).toBe(false);
    expect(senderCheck(fromPage('app://kiwi/desktop.html', 99), known)).toMatchObject({ ok: false, why: 'not a window Kiwi opened' });
    expect(senderCheck({ sender: { id: OUR_WINDOW }, senderFrame: null }, known).ok).toBe(false);
  });
});

describe('IPC channel → handler mapping', () => {
  it('registers exactly the channels of the contract, and removes them again', () => {
    const { ipc, unregister } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.values(INVOKE).sort());
    expect([...ipc.listeners.keys()].sort()).toEqual(Object.values(SEND).sort());
    unregister();
    expect(ipc.handlers.size + ipc.listeners.size).toBe(0);
  });

  it('forwards a REST call from a trusted window and refuses the same call from anywhere else', async () => {
    const { ipc, deps, refused } = setup();
    const input = { params: { soul_id: 'pirate' } };
    expect(await ipc.invoke(trusted, INVOKE.call, 'getSoul', input)).toEqual({ ok: true, status: 200, data: { route: 'getSoul', input } });
    for (const event of [fromPage('https://evil.example/'), fromPage('app://kiwi/desktop.html', 12), fromPage('app://kiwi/x.html', OUR_WINDOW, {})]) {
      await expect(ipc.invoke(event, INVOKE.call, 'shutdown')).rejects.toBeInstanceOf(ForbiddenSenderError);
    }
    expect(deps.api.call).toHaveBeenCalledTimes(1);
    expect(refused).toHaveLength(3);
    expect(refused[0]).toMatch(/^kiwi:call: a page at 'https:\/\/evil.example\/'/);
  });

  it('subscribes a window to the event stream (CONNECTED first) and stops on unsubscribe or when it goes away', () => {
    const { ipc, bus, pushed, deps } = setup();
    ipc.send(fromPage('https://evil.example/'), SEND.eventsSubscribe);
    expect(pushed).toHaveLength(0);
    ipc.send(trusted, SEND.eventsSubscribe);
    bus.emit('SOUL_CHANGED', { soul_id: 'comedian', name: 'Comedian', nsfw: false, model: '' }, 'souls');
    expect(pushed.map((p) => [p.id, p.channel, (p.payload as { event: string }).event])).toEqual([
      [OUR_WINDOW, PUSH.event, 'CONNECTED'],
      [OUR_WINDOW, PUSH.event, 'SOUL_CHANGED'],
    ]);
    expect((pushed[0]!.payload as { data: unknown }).data).toEqual({ state: 'IDLE' });
    ipc.send(trusted, SEND.eventsSubscribe); // a reload subscribes again: still one subscription
    expect(bus.listenerCount).toBe(1);
    ipc.send(trusted, SEND.eventsUnsubscribe);
    expect(bus.listenerCount).toBe(0);
    ipc.send(trusted, SEND.eventsSubscribe);
    forgetWindow(deps, OUR_WINDOW);
    expect(bus.listenerCount).toBe(0);
    expect(deps.audio.close).toHaveBeenCalledWith(OUR_WINDOW);
  });

  it('routes audio open/frame/control/close to the window’s own session and reports a bad frame back to it', async () => {
    const { ipc, deps, pushed } = setup();
    expect(await ipc.invoke(trusted, INVOKE.audioOpen, 48000)).toEqual({ ok: true, engineSampleRate: 16000 });
    expect(deps.audio.open).toHaveBeenCalledWith(OUR_WINDOW, 48000, expect.any(Function));
    const frame = new Int16Array(960);
    ipc.send(trusted, SEND.audioFrame, frame);
    expect(deps.audio.frame).toHaveBeenCalledWith(OUR_WINDOW, frame);
    deps.audio.frame.mockReturnValueOnce('a frame may hold at most 250 ms');
    ipc.send(trusted, SEND.audioFrame, new Int16Array(48000));
    expect(pushed.at(-1)).toEqual({ id: OUR_WINDOW, channel: PUSH.audioOut, payload: { type: 'error', code: 'bad_frame', message: 'a frame may hold at most 250 ms' } });
    ipc.send(trusted, SEND.audioControl, 'mute');
    ipc.send(trusted, SEND.audioControl, 'stop');
    expect(deps.audio.control.mock.calls).toEqual([[OUR_WINDOW, 'mute'], [OUR_WINDOW, 'stop']]);
    ipc.send(trusted, SEND.audioClose);
    expect(deps.audio.close).toHaveBeenCalledWith(OUR_WINDOW);
    // Reply audio pushed by the session goes to the window that opened it.
    const sendOut = deps.audio.open.mock.calls[0]![2];
    sendOut({ type: 'start', sampleRate: 22050 });
    expect(pushed.at(-1)).toEqual({ id: OUR_WINDOW, channel: PUSH.audioOut, payload: { type: 'start', sampleRate: 22050 } });
  });

  it('validates arguments: a bad control word or window name is refused, the channel keeps working', async () => {
    const { ipc, deps, refused } = setup();
    ipc.send(trusted, SEND.audioControl, 'explode');
    expect(deps.audio.control).not.toHaveBeenCalled();
    expect(refused.at(-1)).toBe(`${SEND.audioControl}: bad arguments for ${SEND.audioControl}`);
    await expect(ipc.invoke(trusted, INVOKE.openWindow, 'devtools')).rejects.toThrow(/bad arguments/);
    await expect(ipc.invoke(trusted, INVOKE.openWindow, 'dashboard', '../../x')).rejects.toThrow(/bad arguments/);
    await expect(ipc.invoke(trusted, INVOKE.setStartAtLogin, 'yes')).rejects.toThrow(/bad arguments/);
    await ipc.invoke(trusted, INVOKE.openWindow, 'dashboard', 'models');
    expect(deps.shell.openWindow).toHaveBeenCalledWith('dashboard', 'models');
    expect(await ipc.invoke(trusted, INVOKE.setStartAtLogin, true)).toBe(true);
    expect(await ipc.invoke(trusted, INVOKE.getStartAtLogin)).toBe(false);
    ipc.send(trusted, SEND.audioControl, 'unmute');
    expect(deps.audio.control).toHaveBeenCalledWith(OUR_WINDOW, 'unmute');
  });
});
