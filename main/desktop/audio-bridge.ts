import { float32ToInt16, int16ToFloat32 } from '../engine/audio/pcm.ts';
import type { AudioSink } from '../engine/audio/audio-hub.ts';
import type { Pcm } from '../engine/stages.ts';
import { INPUT_RATES } from '../server/ws-audio.ts';
import type { AudioControl, AudioOpenResult, AudioOut } from './ipc-contract.ts';
import { abortableSleep } from '../platform/abortable-sleep.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { SAMPLE_RATE } from '../contract/audio.ts';

const ENGINE_RATE = SAMPLE_RATE;
/** One message may carry at most 250 ms of audio (the capture worklet sends ~20 ms). */
const MAX_FRAME_SECONDS = 0.25;
/** Reply audio goes out in 100 ms pieces... */
const OUT_CHUNK_SECONDS = 0.1;
/** ...at most this far ahead of real time, so a stop or barge-in cuts it within that, and the engine's
 * "done speaking" comes when the window has actually played it (not when it was handed over). */
const DEFAULT_LEAD_MS = 300;
/** Pacing reads a monotonic clock: a wall clock set back would hold a reply for as long (as /api/audio does). */
const monotonic: Clock = { now: () => performance.now(), setTimer: (fn, ms) => systemClock.setTimer(fn, ms) };

export interface HubLike {
  addSink(sink: AudioSink): () => void;
  pushFrame(sourceId: string, samples: Float32Array): void;
  endSource(sourceId: string): void;
}

export interface AudioBridgeDeps {
  hub: HubLike;
  /** Stop speaking and the running turn (the window's stop button). */
  stopEngine(): void;
  /** A stream resampler from `rate` to 16 kHz (sherpa's, in the app). */
  resampler(rate: number): { resample(samples: Float32Array): Float32Array };
  leadMs?: number;
  /** What paces the reply audio; tests move a manual one. */
  clock?: Clock;
}

interface Session {
  sourceId: string;
  rate: number;
  resampler: { resample(samples: Float32Array): Float32Array };
  muted: boolean;
  removeSink: () => void;
}

/** PCM from a renderer message: an Int16Array as sent, or its bytes (Buffer, Uint8Array, ArrayBuffer). */
export function toInt16(data: unknown): Int16Array | null {
  if (data instanceof Int16Array) return data;
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
  if (!bytes || bytes.byteLength % 2 !== 0) return null;
  // Copy: the view may be unaligned, and the engine keeps frames beyond this call.
  const copy = new Uint8Array(bytes);
  return new Int16Array(copy.buffer, 0, copy.byteLength / 2);
}

/**
 * The desktop window's microphone and speaker, over IPC: like /api/audio, but without a socket.
 * Each window that opens audio becomes a source on the hub (`desktop:<id>`, frames resampled to
 * 16 kHz) and a sink (reply audio paced in 100 ms chunks). Bad frames are reported and dropped.
 */
export class AudioBridge {
  readonly #sessions = new Map<number, Session>();
  readonly #leadMs: number;
  readonly #clock: Clock;

  constructor(private readonly deps: AudioBridgeDeps) {
    this.#leadMs = deps.leadMs ?? DEFAULT_LEAD_MS;
    this.#clock = deps.clock ?? monotonic;
  }

  open(contentsId: number, sampleRate: unknown, send: (message: AudioOut) => void): AudioOpenResult {
    if (!(INPUT_RATES as readonly unknown[]).includes(sampleRate)) {
      return { ok: false, error: { code: 'bad_sample_rate', message: `sample rate must be one of ${INPUT_RATES.join(', ')}` } };
    }
    this.close(contentsId);
    const rate = sampleRate as number;
    const sourceId = `desktop:${contentsId}`;
    const removeSink = this.deps.hub.addSink({ id: sourceId, play: (audio, signal) => this.#play(audio, signal, send), playStream: (audio, signal) => this.#play(audio, signal, send) });
    this.#sessions.set(contentsId, { sourceId, rate, resampler: this.deps.resampler(rate), muted: false, removeSink });
    return { ok: true, engineSampleRate: ENGINE_RATE };
  }

  /** One microphone frame; returns why it was refused, or null when it was taken (or muted away). */
  frame(contentsId: number, data: unknown): string | null {
    const session = this.#sessions.get(contentsId);
    if (!session) return 'audio is not open in this window';
    const pcm = toInt16(data);
    if (!pcm) return 'a frame must be s16le PCM (an Int16Array or an even number of bytes)';
    if (pcm.length > session.rate * MAX_FRAME_SECONDS) return `a frame may hold at most ${MAX_FRAME_SECONDS * 1000} ms`;
    if (session.muted || pcm.length === 0) return null;
    this.deps.hub.pushFrame(session.sourceId, session.resampler.resample(int16ToFloat32(pcm)));
    return null;
  }

  control(contentsId: number, action: AudioControl): void {
    const session = this.#sessions.get(contentsId);
    if (action === 'stop') this.deps.stopEngine();
    else if (session) session.muted = action === 'mute';
  }

  close(contentsId: number): void {
    const session = this.#sessions.get(contentsId);
    if (!session) return;
    this.#sessions.delete(contentsId);
    session.removeSink();
    this.deps.hub.endSource(session.sourceId);
  }

  isOpen(contentsId: number): boolean {
    return this.#sessions.has(contentsId);
  }

  /** One utterance, whole or in pieces as they are made, paced to stay at most the lead ahead of real time. */
  async #play(audio: Pcm | AsyncIterable<Pcm>, signal: AbortSignal, send: (message: AudioOut) => void): Promise<void> {
    let started = false;
    /** When the window will have played all it was sent (clock ms): its player queues each chunk after the last, or now. */
    let playedBy = 0;
    let interrupted = false;
    try {
      for await (const piece of 'samples' in audio ? [audio] : audio) {
        if (!started) {
          started = true;
          send({ type: 'start', sampleRate: piece.sampleRate });
        }
        const pcm = float32ToInt16(piece.samples);
        const chunk = Math.max(1, Math.round(piece.sampleRate * OUT_CHUNK_SECONDS));
        for (let i = 0; i < pcm.length; i += chunk) {
          if (signal.aborted) {
            interrupted = true;
            return;
          }
          send({ type: 'chunk', pcm: pcm.slice(i, i + chunk) });
          // After a pause in the voice (the next sentence still being made), the window plays on from now,
          // not from where the last piece ended: counting from the first chunk would send the pause's worth at once.
          playedBy = Math.max(playedBy, this.#clock.now()) + (Math.min(chunk, pcm.length - i) / piece.sampleRate) * 1000;
          const wait = playedBy - this.#leadMs - this.#clock.now();
          if (wait > 0) await abortableSleep(wait, signal, this.#clock);
        }
      }
    } catch (err) {
      interrupted = true; // the voice failed mid-utterance
      throw err;
    } finally {
      if (started) send({ type: 'end', interrupted: interrupted || signal.aborted });
    }
  }

}
