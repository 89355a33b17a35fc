import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { float32ToInt16, int16ToBytes } from '../engine/audio/pcm.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import type { Pcm } from '../engine/stages.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import type { ServerServices } from './services.ts';
import { audioRuntime, type AudioRuntime, closed, closeServers, connect, nextConnection, serve } from './testing/bare-ws.ts';
import { FakeServer } from './testing/fake-ws.ts';
import { AUDIO_TOO_SLOW_REASON, AudioSockets, CLOSE_TOO_CHATTY, CONTROL_BURST, REPLY_LEAD_MS } from './ws-audio.ts';
import { attachEventStream } from './ws-events.ts';
import { CLOSE_GRACE_MS, CLOSE_TOO_SLOW, SOCKET_HIGH_WATER, TOO_SLOW_REASON } from './ws-outbox.ts';

// Clients that stop reading what Kiwi sends them: /api/audio's replies and reply audio and
// /api/events share one bounded outbox (ws-outbox.ts). The server keeps little for them, the close
// frame goes behind what was sent before it, and one that never reads it is let go after a grace
// period on Kiwi's clock. The clients here are fakes whose socket buffer only the test empties: a
// real paused client fills the kernel's buffers (megabytes on loopback) at the pace the machine drains them.

afterEach(closeServers);

const RATE = 22050;
/** `seconds` of reply audio whose every 100 ms message differs (a ramp), so order and gaps show. */
const ramp = (seconds: number): Pcm => ({ samples: Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => ((i % 20_000) - 10_000) / 20_000), sampleRate: RATE });
const bytesOf = (reply: Pcm) => int16ToBytes(float32ToInt16(reply.samples));
/** Bytes of one 100 ms reply message. */
const CHUNK_BYTES = RATE * 0.1 * 2;

/** An /api/audio server on a manual clock with one fake client, which reads nothing until told. */
function audioClient(maxQueuedBytes?: number) {
  const clock = new ManualClock(0);
  const runtime = audioRuntime();
  const sockets = new AudioSockets(runtime, clock, maxQueuedBytes);
  const server = new FakeServer();
  sockets.attach(server.asWss);
  const socket = server.connect();
  /** When (on the clock) the server sent its close frame. */
  const closing = { at: null as number | null };
  socket.once('closing', () => (closing.at = clock.now()));
  return { clock, runtime, sockets, socket, closing };
}

/** Reply audio `reply` to every client; `endedAt` is when (on the clock) it was over for Kiwi. */
function play(clock: ManualClock, runtime: AudioRuntime, reply: Pcm) {
  const state: { endedAt: number | null } = { endedAt: null };
  void runtime.hub.play(reply, new AbortController().signal).then(() => (state.endedAt = clock.now()));
  return state;
}

/** Moves the manual clock (which paces reply audio) a second at a time until the reply is over for Kiwi; at most 10 minutes, then it fails. */
async function playOut(clock: ManualClock, playing: ReturnType<typeof play>): Promise<void> {
  for (let ms = 0; ms < 600_000 && playing.endedAt === null; ms += 1000) await clock.advance(1000);
  expect(playing.endedAt, 'the reply is over for Kiwi').not.toBeNull();
}

/** A client that stopped reading before a 60 s reply, its server holding at most `maxQueuedBytes` for it, once the reply is over for Kiwi. */
async function fellBehind(maxQueuedBytes: number) {
  const client = audioClient(maxQueuedBytes);
  const reply = ramp(60);
  const playing = play(client.clock, client.runtime, reply);
  await playOut(client.clock, playing);
  return { ...client, reply, playing };
}

describe('/api/audio against a client that stopped reading', () => {
  it('closes it with 1013 and its reason once maxQueuedBytes waits behind a full socket, ending the reply there', async () => {
    const maxQueuedBytes = 32 * 1024;
    const { runtime, sockets, socket, closing, reply, playing } = await fellBehind(maxQueuedBytes);
    expect(socket.closeFrame).toEqual({ code: CLOSE_TOO_SLOW, reason: AUDIO_TOO_SLOW_REASON });
    expect(AUDIO_TOO_SLOW_REASON).toMatch(/too far behind the reply audio/);
    // Handed to the socket: the start of the reply in order, without a gap, then the close; no more than the socket held.
    expect(socket.kinds).toEqual(['audio_start', ...Array(socket.binary.length / CHUNK_BYTES).fill('binary'), 'close']);
    expect(socket.binary.equals(bytesOf(reply).subarray(0, socket.binary.length))).toBe(true);
    expect(socket.binary.length).toBeLessThan(SOCKET_HIGH_WATER + CHUNK_BYTES);
    // Closed once the socket's fill and the limit had gone out (at the reply's pace, less its lead), and the reply ended with it.
    const secondsSent = (SOCKET_HIGH_WATER + maxQueuedBytes) / CHUNK_BYTES / 10;
    expect(closing.at).toBeGreaterThanOrEqual(secondsSent * 1000 - REPLY_LEAD_MS - 200);
    expect(closing.at).toBeLessThanOrEqual(secondsSent * 1000);
    expect(playing.endedAt).toBeLessThanOrEqual(closing.at! + 100);

    // Its slot and sink go once the client has answered the close frame.
    expect(sockets.count).toBe(1);
    const gone = new Promise((resolve) => runtime.bus.on('WEB_CLIENT_DISCONNECTED', resolve));
    socket.answerClose();
    await gone;
    expect(sockets.count).toBe(0);
    expect(runtime.hub.sinkCount).toBe(0);
  });

  it('keeps replies and reply audio in one queue: a close it asks for goes out behind them', async () => {
    const { clock, runtime, socket } = audioClient(); // 1 MiB: the whole reply waits
    const reply = ramp(3);
    const playing = play(clock, runtime, reply);
    await playOut(clock, playing);
    expect(playing.endedAt).toBeGreaterThanOrEqual(3000 - REPLY_LEAD_MS - 100); // paced as for a client that reads
    expect(socket.binary.length).toBeLessThan(SOCKET_HIGH_WATER + CHUNK_BYTES); // the rest waits in the outbox

    // Too many bad frames: each is answered, the last with too_many_messages, then the client is closed.
    for (let i = 0; i <= CONTROL_BURST; i++) socket.receive('not json');
    expect(socket.closeFrame).toBeNull(); // behind the reply audio still waiting
    socket.read();
    await clock.advance(0);
    const errors = [...Array(CONTROL_BURST).fill('bad_message'), 'too_many_messages'];
    expect(socket.kinds).toEqual(['audio_start', ...Array(30).fill('binary'), 'audio_end', ...errors.map(() => 'error'), 'close']);
    expect(socket.handed.flatMap((m) => ('text' in m && m.text.type === 'error' ? [m.text.code] : []))).toEqual(errors);
    expect(socket.binary.equals(bytesOf(reply))).toBe(true);
    expect(socket.closeFrame).toEqual({ code: CLOSE_TOO_CHATTY, reason: 'too_many_messages' });
  });
});

describe('a client that never reads its close frame', () => {
  it('on /api/audio: is torn down CLOSE_GRACE_MS after the close, on Kiwi’s clock', async () => {
    const { clock, runtime, sockets, socket, closing } = await fellBehind(32 * 1024);
    expect(socket.closeFrame?.code).toBe(CLOSE_TOO_SLOW);
    await clock.advanceTo(closing.at! + CLOSE_GRACE_MS - 1);
    expect(socket.terminated).toBe(false); // a client that reads again in time still gets its 1013
    expect(sockets.count).toBe(1);
    await clock.advance(1);
    expect(socket.terminated).toBe(true);
    expect(sockets.count).toBe(0);
    expect(runtime.hub.sinkCount).toBe(0);
  });

  it('on /api/events: the same, after its 1013', async () => {
    const clock = new ManualClock(0);
    const bus = new EventBus();
    const runtime = { engine: { state: 'idle' }, bus, logger: { warn: () => undefined } } as unknown as Pick<ServerServices, 'engine' | 'bus' | 'logger'>;
    const server = new FakeServer();
    attachEventStream(server.asWss, runtime, { maxQueuedBytes: 32 * 1024, clock });
    const socket = server.connect();
    const listening = bus.listenerCount;
    const message = 'x'.repeat(1000);
    for (let i = 0; socket.closeFrame === null && i < 1000; i++) bus.emit('ERROR', { code: 'test', message }, 'test');
    expect(socket.closeFrame).toEqual({ code: CLOSE_TOO_SLOW, reason: TOO_SLOW_REASON });

    await clock.advance(CLOSE_GRACE_MS - 1);
    expect(socket.terminated).toBe(false);
    await clock.advance(1);
    expect(socket.terminated).toBe(true);
    expect(bus.listenerCount).toBe(listening - 1); // its subscription went with it
  });

  it('on a real socket: a paused /api/audio client closed for chatter is torn down at CLOSE_GRACE_MS (1006), freeing its slot', async () => {
    // Nothing here fills a kernel buffer: the client sends 21 small frames and never reads the few replies and the close frame.
    const clock = new ManualClock(0);
    const runtime = audioRuntime();
    const sockets = new AudioSockets(runtime, clock);
    const { wss, url } = await serve((wss) => sockets.attach(wss));
    const serverSide = nextConnection(wss);
    const client = await connect(url);
    const server = await serverSide;
    client.pause();
    const told = new Promise((resolve) => runtime.bus.on('AUDIO_ERROR', (data) => data.code === 'too_many_messages' && resolve(data)));
    for (let i = 0; i <= CONTROL_BURST; i++) client.send('not json');
    await told;
    expect(server.readyState).toBe(WebSocket.CLOSING);

    const terminate = vi.spyOn(server, 'terminate');
    const serverClosed = closed(server);
    await clock.advance(CLOSE_GRACE_MS - 1);
    expect(terminate).not.toHaveBeenCalled();
    await clock.advance(1);
    expect(terminate).toHaveBeenCalledTimes(1);
    expect(await serverClosed).toBe(1006);
    expect(sockets.count).toBe(0);
    client.terminate();
  });
});
