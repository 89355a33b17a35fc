import crypto from 'node:crypto';
import type { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { ServerServices } from './services.ts';
import { parseJsonOrNull } from '../platform/json.ts';
import { bytesToInt16, float32ToInt16, int16ToBytes, int16ToFloat32 } from '../engine/audio/pcm.ts';
import { leadIn } from '../engine/audio/lead-in.ts';
import { StreamResampler } from '../engine/audio/resampler.ts';
import type { Pcm } from '../engine/stages.ts';
import { describeError } from '../platform/errors.ts';
import { SAMPLE_RATE } from '../contract/audio.ts';
import { REAL_TIME_LIMITS, SpeedBudget } from '../engine/audio/real-time-pacer.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { abortableSleep } from '../platform/abortable-sleep.ts';
import { TokenBucket } from '../platform/token-bucket.ts';
import { BoundedOutbox, MAX_QUEUED_BYTES } from './ws-outbox.ts';

export const INPUT_RATES = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000] as const;
const ENGINE_RATE = SAMPLE_RATE;
/** One message may carry at most 250 ms of audio; browsers send 8-40 ms. */
const MAX_FRAME_SECONDS = 0.25;
/** Reply audio goes out in 100 ms messages so a stop takes effect between them. */
const OUT_CHUNK_SECONDS = 0.1;
/**
 * Reply audio runs at most this far ahead of real time (the client's jitter buffer, as the desktop
 * window's). Sent at once, a reply was over for Kiwi while the browser still played it: a stop or a
 * barge-in cut nothing, and the follow-up window and echo guard ran seconds early.
 */
export const REPLY_LEAD_MS = 300;
/** Pacing reads a monotonic clock: a wall clock set back would hold a reply for as long. */
const monotonic: Clock = { now: () => performance.now(), setTimer: (fn, ms) => systemClock.setTimer(fn, ms) };
/** The close reason (code 1013) for a client that stopped reading what it is sent (ws-outbox.ts). */
export const AUDIO_TOO_SLOW_REASON = 'fell too far behind the reply audio; reconnect';
/** Close code for a client sending audio faster than real time allows (4000-4999: application codes). */
export const CLOSE_TOO_FAST = 4429;
/**
 * A client is closed when it is this far ahead of 1.5x real time: a flood, not jitter. A stalled
 * event loop reads seconds of a live microphone's frames at once; those stay within this, and
 * the engine's pacer bounds what is queued anyway (2 s, oldest dropped).
 */
const FLOOD_BURST_SECONDS = 10;
/** Close code for a client that keeps sending control messages or bad frames (RFC 6455: policy violation). */
export const CLOSE_TOO_CHATTY = 1008;
/**
 * Control messages (hello, mute, unmute, stop) and bad frames a client may send: a burst of 20,
 * then 5 a second. A browser sends a hello and a few clicks; each bad frame is answered (and told
 * every /api/events client as AUDIO_ERROR), so without a bound a script sending 1-byte frames and
 * never reading grew the server's memory without end and flooded every dashboard.
 */
export const CONTROL_BURST = 20;
const CONTROL_PER_SECOND = 5;

const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), sample_rate: z.union(INPUT_RATES.map((r) => z.literal(r)) as [z.ZodLiteral<8000>, ...z.ZodLiteral<number>[]]) }),
  z.object({ type: z.literal('mute') }),
  z.object({ type: z.literal('unmute') }),
  z.object({ type: z.literal('stop') }),
]);

/**
 * WebSocket /api/audio: a browser microphone in (binary s16le mono at the declared rate,
 * 16 kHz by default), Kiwi's voice out (binary s16le between audio_start and audio_end).
 * Bad frames get an error message and are dropped; the connection and the engine carry on. A client
 * that stops reading is closed with 1013 once 1 MiB waits for it (ws-outbox.ts).
 */
export class AudioSockets {
  readonly #clients = new Set<WebSocket>();

  /**
   * `clock` (monotonic) runs the flood and chatter budgets, reply pacing and the close grace;
   * `maxQueuedBytes` is what may wait for a client that does not read (ws-outbox.ts).
   */
  constructor(
    private readonly runtime: Pick<ServerServices, 'config' | 'bus' | 'hub' | 'engine' | 'logger'>,
    private readonly clock: Clock = monotonic,
    private readonly maxQueuedBytes = MAX_QUEUED_BYTES,
  ) {}

  get count(): number {
    return this.#clients.size;
  }

  get full(): boolean {
    return this.#clients.size >= this.runtime.config.current.api.max_audio_clients;
  }

  attach(wss: WebSocketServer): void {
    wss.on('connection', (ws: WebSocket) => this.#serve(ws));
  }

  #serve(ws: WebSocket): void {
    const { runtime } = this;
    const sessionId = crypto.randomUUID();
    let rate = ENGINE_RATE;
    let resampler = new StreamResampler(rate, ENGINE_RATE);
    let muted = false;
    let started = false;
    const budget = new SpeedBudget(this.clock, { maxSpeed: REAL_TIME_LIMITS.maxSpeed, burstSeconds: FLOOD_BURST_SECONDS });
    const chatter = new TokenBucket(this.clock, CONTROL_BURST, CONTROL_PER_SECOND);
    // Replies and reply audio share one bounded queue: in order, and a client that stops reading is closed, not buffered without bound.
    const out = new BoundedOutbox(ws, { maxQueuedBytes: this.maxQueuedBytes, tooSlowReason: AUDIO_TOO_SLOW_REASON, clock: this.clock });
    this.#clients.add(ws);
    const play = (audio: Pcm | AsyncIterable<Pcm>, signal: AbortSignal) => sendAudio(out, audio, signal, this.clock);
    const removeSink = runtime.hub.addSink({ id: `web:${sessionId}`, play, playStream: play });
    runtime.bus.emit('WEB_CLIENT_CONNECTED', { client_id: sessionId }, 'audio');

    const reply = (message: object): boolean => {
      if (!out.open) return false;
      out.send(message);
      return true;
    };
    const report = (code: string, message: string) => {
      if (reply({ type: 'error', code, message })) runtime.bus.emit('AUDIO_ERROR', { client_id: sessionId, code, message }, 'audio');
    };
    /** Counts a control message or a bad frame; past the budget the client is told why and closed. */
    const spend = (): boolean => {
      if (chatter.take()) return true;
      if (out.open) {
        report('too_many_messages', `More than ${CONTROL_BURST} control messages or bad frames at once (at most ${CONTROL_PER_SECOND} a second after that): closing`);
        out.close(CLOSE_TOO_CHATTY, 'too_many_messages');
      }
      return false;
    };
    const fail = (code: string, message: string) => {
      if (spend()) report(code, message);
    };

    ws.on('message', (raw: Buffer, isBinary) => {
      if (!out.open) return; // closing: what is still queued from the client is ignored
      if (!isBinary) {
        if (!spend()) return;
        const parsed = ClientMessage.safeParse(parseJsonOrNull(raw.toString()));
        if (!parsed.success) return report('bad_message', `Expected hello (sample_rate one of ${INPUT_RATES.join(', ')}), mute, unmute or stop`);
        const message = parsed.data;
        if (message.type === 'hello') {
          rate = message.sample_rate;
          resampler = new StreamResampler(rate, ENGINE_RATE);
          reply({ type: 'hello_ack', session_id: sessionId, sample_rate: rate, engine_sample_rate: ENGINE_RATE });
        } else if (message.type === 'stop') {
          try {
            runtime.engine.stop();
          } catch (err) {
            report('stop_failed', describeError(err));
          }
        } else {
          muted = message.type === 'mute';
        }
        return;
      }
      if (raw.byteLength % 2 !== 0) return fail('bad_frame', `PCM s16le frames need an even byte count, got ${raw.byteLength}`);
      if (raw.byteLength / 2 > rate * MAX_FRAME_SECONDS) {
        return fail('frame_too_large', `A frame may hold at most ${MAX_FRAME_SECONDS * 1000} ms (${rate * MAX_FRAME_SECONDS} samples at ${rate} Hz)`);
      }
      if (muted || raw.byteLength === 0) return;
      const frame = resampler.resample(int16ToFloat32(bytesToInt16(raw)));
      if (!budget.take(frame.length)) {
        // A live microphone never runs ahead of the clock; a replayed file or a script does. Its backlog would keep Kiwi busy long after it left.
        const message = `Audio arrives faster than ${REAL_TIME_LIMITS.maxSpeed}x real time (more than ${FLOOD_BURST_SECONDS} s ahead): send it at the pace it was recorded`;
        report('audio_too_fast', message);
        out.close(CLOSE_TOO_FAST, 'audio_too_fast');
        return;
      }
      // A script's stream may start on the wake word, as a trimmed recording does.
      if (!started) runtime.hub.pushFrame(sessionId, leadIn());
      started = true;
      runtime.hub.pushFrame(sessionId, frame);
    });
    ws.on('close', () => {
      this.#clients.delete(ws);
      removeSink();
      runtime.hub.endSource(sessionId);
      runtime.bus.emit('WEB_CLIENT_DISCONNECTED', { client_id: sessionId }, 'audio');
    });
    ws.on('error', (err) => runtime.logger.warn({ err }, 'audio socket error'));
  }
}

/** Where reply audio goes: a client's outbox (ws-outbox.ts). */
export type ReplyOut = Pick<BoundedOutbox, 'open' | 'send' | 'sendBinary'>;

/**
 * Send one utterance in binary messages of at most 100 ms, framed by audio_start / audio_end, paced
 * to stay at most REPLY_LEAD_MS ahead of real time, so it lasts (for Kiwi) as long as it plays and a
 * stop ends it within that lead. An utterance in pieces (one sample rate) goes out piece by piece.
 * A client closed meanwhile (one that fell behind: ws-outbox.ts) ends it.
 */
export async function sendAudio(out: ReplyOut, audio: Pcm | AsyncIterable<Pcm>, signal: AbortSignal, clock: Clock = monotonic): Promise<void> {
  let started = false;
  /** When the client will have played all it was sent (clock ms): its player queues each chunk after the last, or now. */
  let playedBy = 0;
  let interrupted = false;
  try {
    for await (const piece of 'samples' in audio ? [audio] : audio) {
      if (!started) out.send({ type: 'audio_start', sample_rate: piece.sampleRate, channels: 1, format: 's16le' });
      started = true;
      const pcm = float32ToInt16(piece.samples);
      const chunk = Math.round(piece.sampleRate * OUT_CHUNK_SECONDS);
      for (let i = 0; i < pcm.length; i += chunk) {
        if (signal.aborted || !out.open) {
          interrupted = true;
          return;
        }
        const part = pcm.subarray(i, i + chunk);
        out.sendBinary(int16ToBytes(part));
        // After a pause in the voice (a slow sentence), the client plays on from now, not from where the last piece ended.
        playedBy = Math.max(playedBy, clock.now()) + (part.length / piece.sampleRate) * 1000;
        const wait = playedBy - REPLY_LEAD_MS - clock.now();
        if (wait > 0) await abortableSleep(wait, signal, clock);
        else await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } catch (err) {
    interrupted = true; // the voice failed mid-utterance: the client hears where it stopped
    throw err;
  } finally {
    if (started && out.open) out.send({ type: 'audio_end', ...(interrupted || signal.aborted ? { interrupted: true } : {}) });
  }
}
