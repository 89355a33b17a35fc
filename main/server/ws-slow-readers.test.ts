import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { int16ToBytes, float32ToInt16 } from '../engine/audio/pcm.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import type { Pcm } from '../engine/stages.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import type { ServerServices } from './services.ts';
import { audioRuntime, closed, type AudioRuntime, closeServers, nextConnection, serve } from './testing/bare-ws.ts';
import { AUDIO_TOO_SLOW_REASON, AudioSockets, REPLY_LEAD_MS } from './ws-audio.ts';
import { attachEventStream } from './ws-events.ts';
import { CLOSE_GRACE_MS, CLOSE_TOO_SLOW, SOCKET_HIGH_WATER } from './ws-outbox.ts';

// Clients that stop reading what Kiwi sends them: /api/audio's reply audio and /api/events share
// one bounded outbox (ws-outbox.ts). The server keeps little for them, they get a close frame they
// can read, and one that never reads again is let go after a grace period on Kiwi's clock.

afterEach(closeServers);

const RATE = 22050;
/** `seconds` of reply audio whose every 100 ms message differs (a ramp), so order and gaps show. */
const ramp = (seconds: number): Pcm => ({ samples: Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => ((i % 20_000) - 10_000) / 20_000), sampleRate: RATE });
const bytesOf = (reply: Pcm) => int16ToBytes(float32ToInt16(reply.samples));
/** Bytes of one 100 ms reply message. */
const CHUNK_BYTES = RATE * 0.1 * 2;

/** A client's messages: JSON parsed, audio as bytes; `end` resolves with its close code and reason. */
function record(client: WebSocket) {
  const json: Array<Record<string, unknown>> = [];
  const audio: Buffer[] = [];
  const order: string[] = [];
  client.on('message', (raw: Buffer, isBinary) => {
    if (isBinary) audio.push(Buffer.from(raw));
    else json.push(JSON.parse(raw.toString()) as Record<string, unknown>);
    order.push(isBinary ? 'audio' : String(json.at(-1)!.type));
  });
  const end = new Promise<{ code: number; reason: string }>((resolve) => client.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return { json, audio, order, end };
}

/** An /api/audio server on a manual clock, its client (not yet reading anything) and the server side of it. */
async function audioClient(maxQueuedBytes?: number) {
  const clock = new ManualClock(0);
  const runtime = audioRuntime();
  const sockets = new AudioSockets(runtime, clock, maxQueuedBytes);
  const { wss, url } = await serve((wss) => sockets.attach(wss));
  const serverSide = nextConnection(wss);
  const client = new WebSocket(url);
  await new Promise((resolve) => client.once('open', resolve));
  return { clock, runtime, sockets, client, server: await serverSide };
}

/** Reply audio `reply` to every client; `endedAt` is when (on the clock) it was over for Kiwi. */
function play(clock: ManualClock, runtime: AudioRuntime, reply: Pcm) {
  const state: { endedAt: number | null; done: Promise<void> } = { endedAt: null, done: Promise.resolve() };
  state.done = runtime.hub.play(reply, new AbortController().signal).then(() => void (state.endedAt = clock.now()));
  return state;
}

/** Moves the manual clock (which paces reply audio) `stepMs` at a time until `done` holds; at most 10 minutes. */
async function paceUntil(clock: ManualClock, done: () => boolean, stepMs = 1000): Promise<void> {
  for (let ms = 0; ms < 600_000 && !done(); ms += stepMs) await clock.advance(stepMs);
}

describe('/api/audio reply audio', () => {
  it('reaches a client that reads, every message in order, paced as before', async () => {
    const { clock, runtime, client } = await audioClient();
    const got = record(client);
    const reply = ramp(3);
    const playing = play(clock, runtime, reply);
    await paceUntil(clock, () => playing.endedAt !== null);
    await playing.done;
    while (got.order.at(-1) !== 'audio_end') await new Promise((resolve) => client.once('message', resolve));
    expect(got.order).toEqual(['audio_start', ...Array(30).fill('audio'), 'audio_end']);
    expect(Buffer.concat(got.audio).equals(bytesOf(reply))).toBe(true);
    expect(playing.endedAt).toBeGreaterThanOrEqual(3000 - REPLY_LEAD_MS - 100); // over for Kiwi once played, less the lead
    client.close();
  });

  it('closes a client that stopped reading with 1013 and a reason it receives, keeping little for it meanwhile', async () => {
    const { clock, runtime, sockets, client, server } = await audioClient(32 * 1024);
    client.pause(); // reads nothing more: the socket's buffers fill up
    const gone = new Promise((resolve) => runtime.bus.on('WEB_CLIENT_DISCONNECTED', resolve));
    const reply = ramp(600); // 26 MB: far more than the socket and the kernel hold
    const playing = play(clock, runtime, reply);
    await paceUntil(clock, () => server.readyState !== WebSocket.OPEN || playing.endedAt !== null);
    expect(server.readyState).toBe(WebSocket.CLOSING);
    // What stays behind for this client is what its socket held, not the reply sent so far.
    expect(server.bufferedAmount).toBeLessThan(SOCKET_HIGH_WATER + 2 * CHUNK_BYTES);
    await playing.done; // the reply ends with the client
    expect(playing.endedAt).toBeLessThan(600_000);

    const got = record(client);
    client.resume();
    expect(await got.end).toEqual({ code: CLOSE_TOO_SLOW, reason: AUDIO_TOO_SLOW_REASON });
    expect(AUDIO_TOO_SLOW_REASON).toMatch(/too far behind/);
    // What it did get is the start of the reply, in order, without a gap.
    expect(got.order[0]).toBe('audio_start');
    const heard = Buffer.concat(got.audio);
    expect(heard.length).toBeGreaterThan(0);
    expect(heard.equals(bytesOf(reply).subarray(0, heard.length))).toBe(true);
    await gone;
    expect(sockets.count).toBe(0);
    expect(runtime.hub.sinkCount).toBe(0);
  });
});

describe('a client that never reads its close frame', () => {
  it('on /api/audio: is torn down CLOSE_GRACE_MS after the close, on Kiwi’s clock', async () => {
    const { clock, runtime, sockets, client, server } = await audioClient(32 * 1024);
    client.pause();
    const playing = play(clock, runtime, ramp(600));
    const step = 1000; // the client was closed within the last step of the clock
    await paceUntil(clock, () => server.readyState !== WebSocket.OPEN || playing.endedAt !== null, step);
    await playing.done;
    expect(server.readyState).toBe(WebSocket.CLOSING);

    const serverClosed = closed(server);
    await clock.advance(CLOSE_GRACE_MS - step);
    expect(server.readyState).toBe(WebSocket.CLOSING); // a client that reads again in time still gets its 1013
    await clock.advance(step);
    expect(await serverClosed).toBe(1006);
    expect(sockets.count).toBe(0);
    client.terminate();
  });

  it('on /api/events: the same', async () => {
    const clock = new ManualClock(0);
    const bus = new EventBus();
    const runtime = { engine: { state: 'idle' }, bus, logger: { warn: () => undefined } } as unknown as Pick<ServerServices, 'engine' | 'bus' | 'logger'>;
    const { wss, url } = await serve((wss) => attachEventStream(wss, runtime, { maxQueuedBytes: 32 * 1024, clock }));
    const serverSide = nextConnection(wss);
    const client = new WebSocket(url);
    await new Promise((resolve) => client.once('message', resolve)); // CONNECTED
    const server = await serverSide;
    client.pause();
    const message = 'x'.repeat(1000);
    for (let i = 0; server.readyState === WebSocket.OPEN && i < 50_000; i++) bus.emit('ERROR', { code: 'test', message }, 'test');
    expect(server.readyState).toBe(WebSocket.CLOSING);

    const serverClosed = closed(server);
    await clock.advance(CLOSE_GRACE_MS - 1);
    expect(server.readyState).toBe(WebSocket.CLOSING);
    await clock.advance(1);
    expect(await serverClosed).toBe(1006);
    expect(wss.clients.size).toBe(0);
    client.terminate();
  });
});
