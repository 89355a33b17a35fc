import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../security/testing/manual-clock.ts';
import { IDLE_MS, STREAM_SILENCE_MS } from './abandon-watch.ts';
import { encodeEvent, EventReader, type WyomingEvent } from './framing.ts';
import { WyomingServer } from './server.ts';
import type { WyomingStages } from './stages.ts';
import type { WakeWord } from '../../engine/stages.ts';

// A satellite that drops off the network sends no FIN or RST: only Kiwi's own clock can tell its
// connection (one of the 16 Kiwi serves) was abandoned. The manual clock stands for minutes passing.

/** Wake detection that never fires: enough for a `detect` stream. */
const wake: WakeWord = { name: 'test', accept: () => Promise.resolve(null), reset: () => undefined, fork: () => wake, dispose: () => undefined };
const stages: WyomingStages = {
  stt: () => undefined,
  tts: () => undefined,
  wake: () => wake,
  settings: () => ({ language: 'en', voice: '', speed: 1, wakeWord: 'kiwi' }),
  models: () => Promise.resolve({}),
};
const format = { rate: 16000, width: 2, channels: 1 };

let server: WyomingServer | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
});

/** A client, and what it reads; `answered` sends a ping and resolves 'pong', or 'closed' once the server hung up. */
async function client(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  const reader = new EventReader();
  let waiting: ((what: 'pong' | 'closed') => void) | null = null;
  socket.on('data', (chunk: Buffer) => reader.push(chunk).some((e) => e.type === 'pong') && waiting?.('pong'));
  socket.on('close', () => waiting?.('closed'));
  socket.on('error', () => waiting?.('closed'));
  const send = (...events: WyomingEvent[]) => socket.write(Buffer.concat(events.map(encodeEvent)));
  const answered = () =>
    new Promise<'pong' | 'closed'>((resolve) => {
      if (socket.destroyed || socket.readableEnded) return resolve('closed');
      waiting = resolve;
      send({ type: 'ping', data: {} });
    });
  return { send, answered };
}

describe('Wyoming connections a peer abandoned', () => {
  it('a satellite that stops streaming mid-detection loses its slot after STREAM_SILENCE_MS, not minutes later', async () => {
    const clock = new ManualClock();
    server = await WyomingServer.start({ enabled: true, host: '127.0.0.1', port: 0, allowed_clients: [] }, stages, () => undefined, clock);
    const satellite = await client(server.status().port);
    satellite.send({ type: 'detect', data: {} }, { type: 'audio-start', data: format }, { type: 'audio-chunk', data: format, payload: Buffer.alloc(640) });
    expect(await satellite.answered()).toBe('pong'); // served, mid-stream
    expect(server.status().clients).toBe(1);

    clock.advance(STREAM_SILENCE_MS - 1);
    expect(await satellite.answered()).toBe('pong'); // each byte restarts the count
    clock.advance(STREAM_SILENCE_MS); // then the network is gone: nothing more arrives
    expect(await satellite.answered()).toBe('closed');
    expect(server.status().clients).toBe(0);
  });

  it('a connection with no request open is kept for IDLE_MS, then closed', async () => {
    const clock = new ManualClock();
    server = await WyomingServer.start({ enabled: true, host: '127.0.0.1', port: 0, allowed_clients: [] }, stages, () => undefined, clock);
    const idle = await client(server.status().port);
    expect(await idle.answered()).toBe('pong');
    clock.advance(STREAM_SILENCE_MS * 2); // no stream open: not yet
    expect(await idle.answered()).toBe('pong');
    clock.advance(IDLE_MS);
    expect(await idle.answered()).toBe('closed');
  });
});
