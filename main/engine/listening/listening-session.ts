import type { Config } from '../../contract/config.ts';
import type { SttStream, Vad, WakeDetection, WakeWord } from '../stages.ts';
import { Endpointer } from './endpointer.ts';
import { RingBuffer } from './ring-buffer.ts';

const RATE = 16000;
/** Speech over Kiwi's own voice must last this long to count as barge-in (a cough does not). */
const BARGE_IN_MS = 250;

export interface Utterance {
  sourceId: string;
  samples: Float32Array;
  /** Absolute sample indices of the speech (without pre-roll). */
  start: number;
  end: number;
  /** The acoustic wake word heard in or just before this utterance. */
  wake: WakeDetection | null;
  /** Wall-clock time the end of speech was decided (for the latency waterfall). */
  endedAt: number;
  /** The final text of a streaming recognizer that followed this utterance live, if one did. */
  streamedText?: string;
}

export interface SessionHooks {
  speechStarted(sourceId: string): void;
  wake(sourceId: string, detection: WakeDetection): void;
  utterance(utterance: Utterance): Promise<void> | void;
  /** Sustained speech while Kiwi speaks. */
  bargeIn(sourceId: string): void;
  /** Whether Kiwi is speaking now (barge-in watches only then). */
  speaking(): boolean;
  /** Streaming recognition: partial text of the utterance in progress. */
  partial?(sourceId: string, text: string): void;
}

export interface SessionParts {
  vad: Vad;
  wake?: WakeWord;
  /** A stricter VAD that listens for the user over Kiwi's own voice. */
  bargeInVad?: Vad;
  /** A streaming recognizer: followed live while someone speaks (SPEECH_PARTIAL). */
  openStream?: () => SttStream;
}

/**
 * One audio input's listening loop: ring buffer with pre-roll, VAD, endpointing, the acoustic
 * wake word and barge-in. Frames are processed strictly in order; `push` resolves when a frame
 * is done (with `awaitTurns`, also when the utterances it ended have been handled — the CLI
 * uses that for deterministic runs; live inputs do not wait, so barge-in stays responsive).
 */
export class ListeningSession {
  readonly #ring: RingBuffer;
  readonly #endpointer: Endpointer;
  #queue: Promise<void> = Promise.resolve();
  #wasSpeaking = false;
  #lastWake: WakeDetection | null = null;
  #bargeInSamples = 0;
  #stream: SttStream | null = null;
  #closed = false;

  constructor(
    readonly sourceId: string,
    private readonly parts: SessionParts,
    private readonly voice: () => Config['voice'],
    private readonly hooks: SessionHooks,
    private readonly options: { awaitTurns?: boolean } = {},
  ) {
    this.#ring = new RingBuffer(Math.ceil((voice().max_utterance_s + 5) * RATE));
    this.#endpointer = new Endpointer(voice);
  }

  /** Samples since the stream began (the session's clock). */
  get now(): number {
    return this.#ring.end;
  }

  push(samples: Float32Array): Promise<void> {
    const run = this.#queue.then(() => this.#process(samples));
    this.#queue = run.catch(() => undefined); // the caller sees the failure; later frames still run
    return run;
  }

  /** The source left: frames still queued are skipped and no utterance is handed on (no flush). */
  cancel(): void {
    this.#closed = true;
  }

  /** End of input: the open utterance (if any) is handled. */
  end(): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#closed) return this.#dispose();
      const spans = this.parts.vad.flush();
      for (const s of spans) await this.#finish(this.#endpointer.addSpeech({ start: s.start, end: s.start + s.samples.length }));
      await this.#finish(this.#endpointer.flush());
      this.#closed = true;
      this.#dispose();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The session's own detectors (forks of the engine's models) go with it. */
  #dispose(): void {
    this.parts.vad.dispose();
    this.parts.bargeInVad?.dispose();
    this.parts.wake?.dispose();
  }

  async #process(samples: Float32Array): Promise<void> {
    if (this.#closed) return;
    this.#ring.push(samples);
    const { vad, wake } = this.parts;
    const finished = vad.accept(samples);
    if (vad.speaking && !this.#wasSpeaking) this.hooks.speechStarted(this.sourceId);
    this.#wasSpeaking = vad.speaking;
    this.#watchBargeIn(samples);
    await this.#follow(samples);
    if (wake) {
      const hit = await wake.accept(samples);
      if (hit) {
        this.#lastWake = hit;
        this.hooks.wake(this.sourceId, hit);
      }
    }
    for (const s of finished) await this.#finish(this.#endpointer.addSpeech({ start: s.start, end: s.start + s.samples.length }));
    await this.#finish(this.#endpointer.tick(this.#ring.end, vad.speaking, rms(samples)));
  }

  /** Feed the streaming recognizer from the start of speech (with pre-roll) to the utterance end. */
  async #follow(samples: Float32Array): Promise<void> {
    const { openStream } = this.parts;
    if (!openStream || (!this.#stream && !this.parts.vad.speaking)) return;
    let input = samples;
    if (!this.#stream) {
      this.#stream = openStream();
      const preroll = Math.round((this.voice().preroll_ms * RATE) / 1000);
      input = this.#ring.slice(this.#ring.end - samples.length - preroll, this.#ring.end);
    }
    const text = await this.#stream.accept(input);
    if (text) this.hooks.partial?.(this.sourceId, text);
  }

  #watchBargeIn(samples: Float32Array): void {
    const vad = this.parts.bargeInVad;
    if (!vad || !this.hooks.speaking()) {
      this.#bargeInSamples = 0;
      return;
    }
    vad.accept(samples);
    this.#bargeInSamples = vad.speaking ? this.#bargeInSamples + samples.length : 0;
    if (this.#bargeInSamples >= (BARGE_IN_MS * RATE) / 1000) {
      this.#bargeInSamples = 0;
      vad.reset();
      this.hooks.bargeIn(this.sourceId);
    }
  }

  async #finish(span: { start: number; end: number } | null): Promise<void> {
    if (!span) return;
    const preroll = Math.round((this.voice().preroll_ms * RATE) / 1000);
    const from = Math.max(0, span.start - preroll);
    // The wake word belongs to this utterance if it fired during it or during its pre-roll.
    const wake = this.#lastWake && this.#lastWake.at >= from - RATE && this.#lastWake.at <= span.end + RATE / 2 ? this.#lastWake : null;
    if (wake) this.#lastWake = null;
    const stream = this.#stream;
    this.#stream = null;
    const utterance: Utterance = {
      sourceId: this.sourceId,
      samples: this.#ring.slice(from, span.end),
      start: span.start,
      end: span.end,
      wake,
      endedAt: Date.now(),
      ...(stream ? { streamedText: await stream.finish() } : {}),
    };
    if (this.#closed) return; // cancelled while the recognizer finished
    const handled = this.hooks.utterance(utterance);
    if (this.options.awaitTurns) await handled;
  }
}

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}
