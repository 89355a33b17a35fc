import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { AudioHub } from '../../engine/audio/audio-hub.ts';
import { EventBus } from '../../engine/events/event-bus.ts';
import type { ServerServices } from '../services.ts';

/** Bare WebSocket servers for the socket tests: the code under test wired to a loopback port, without a whole Kiwi. */

const open: WebSocketServer[] = [];

/** A WebSocket server on a free loopback port; `setup` wires the code under test to it. Close it with closeServers. */
export async function serve(setup: (wss: WebSocketServer) => void): Promise<{ wss: WebSocketServer; url: string }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  open.push(wss);
  setup(wss);
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}` };
}

/** Tears down every server `serve` started and its clients (afterEach). */
export async function closeServers(): Promise<void> {
  for (const wss of open.splice(0)) {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  }
}

export function connect(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** The server side of the next connection. */
export const nextConnection = (wss: WebSocketServer) => new Promise<WebSocket>((resolve) => wss.once('connection', resolve));

/** The close code `ws` ends with. */
export const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', resolve));

/** What AudioSockets needs of Kiwi, with the bus and hub whole (tests listen and play on them). */
export type AudioRuntime = Pick<ServerServices, 'config' | 'engine' | 'logger'> & { bus: EventBus; hub: AudioHub };

/** What AudioSockets needs of Kiwi: a real bus and hub, three audio slots, an engine that only stops. */
export function audioRuntime(bus = new EventBus()): AudioRuntime {
  return {
    config: { current: { api: { max_audio_clients: 3 } } },
    bus,
    hub: new AudioHub(),
    engine: { stop: () => undefined },
    logger: { warn: () => undefined },
  } as unknown as AudioRuntime;
}
