import type { Config } from '../../contract/config.ts';
import type { SttStream, Vad, WakeDetection, WakeWord } from '../stages.ts';
import { Endpointer, type Verdict } from './endpointer.ts';
import { RingBuffer } from './ring-buffer.ts';
import { SAMPLE_RATE } from '../../contract/audio.ts';
import { trailingSilence } from './voiced-end.ts';

const RATE = SAMPLE_RATE;
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
  /** performance.now() when the frame with the last voiced sample arrived (the waterfall's origin; the VAD's end is later). */
  lastVoicedAt: number;
  /** performance.now() when the end of speech was decided. */
  endpointAt: number;
  /** The final text of a streaming recognizer that followed this utterance live, if one did. */
  streamedText?: string;
  /** The transcript begun ahead of the endpoint on exactly these samples (running or done). */
  early?: EarlyTranscript;
}

/** A transcript the session asked for after a short silence, before the endpoint. */
export interface EarlyTranscript {
  result: Promise<{ text: string; language: string }>;
  /** performance.now() when it was ready (undefined while running). */
  doneAt?: number;
}

/** Early transcription (voice loop): the text of samples, and what it says about the phrase. */
export type Speculate = (
  samples: Float32Array,
  utterance: { start: number; wake: boolean },
  signal: AbortSignal,
) => Promise<{ text: string; language: string; verdict: Verdict | null }> | null;

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
  /** Transcribe the words so far after a short silence (voice.speculative_ms), before the endpoint. */
  speculate?: Speculate;
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
  /** The early transcript of the open utterance as it ended at `end`. */
  #early: { end: number; controller: AbortController; transcript: EarlyTranscript } | null = null;
  /** When recent frames arrived: [session clock after the frame, performance.now()], oldest first. */
  readonly #arrivals: Array<[number, number]> = [];

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
    return this.#enqueue(() => this.#process(samples));
  }

  /** Work on this session runs strictly in order; the caller sees a failure, later work still runs. */
  #enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
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
    this.#arrivals.push([this.#ring.end, performance.now()]);
    if (this.#arrivals.length > 4096) this.#arrivals.splice(0, 1024);
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
    const ended = this.#endpointer.tick(this.#ring.end, vad.speaking, rms(samples));
    if (ended) await this.#finish(ended);
    else await this.#speculate(vad.speaking);
  }

  /**
   * After `speculative_ms` of silence, transcribe the utterance so far; if speech resumes, the
   * result is thrown away. Its verdict (complete words or an unfinished phrase) moves the
   * endpoint. Live inputs do not wait for it; with `awaitTurns` (deterministic runs) it is
   * awaited, as if decoding took no audio time.
   */
  async #speculate(speaking: boolean): Promise<void> {
    const open = this.#endpointer.open;
    if (this.#early && (speaking || open?.end !== this.#early.end)) {
      this.#early.controller.abort(); // speech resumed: the early transcript is thrown away
      this.#early = null;
    }
    const { speculative_ms, smart_endpoint } = this.voice();
    const speculate = this.hooks.speculate;
    if (!speculate || !open || speaking || this.#early || speculative_ms <= 0) return;
    if (this.#ring.end - open.end < (speculative_ms * RATE) / 1000) return;
    const controller = new AbortController();
    const pending = speculate(this.#utteranceSamples(open), { start: open.start, wake: this.#wakeFor(open) !== null }, controller.signal);
    if (!pending) return; // not worth transcribing early (no wake word for it): asked again when the utterance grows
    const early: EarlyTranscript = {
      result: pending.then((heard) => {
        early.doneAt = performance.now();
        if (smart_endpoint && heard.verdict && !controller.signal.aborted) {
          this.#endpointer.judge(open.end, heard.verdict);
          // Complete words end the turn now, not at the next frame (live inputs are not awaited).
          if (heard.verdict === 'complete' && !this.options.awaitTurns) void this.#enqueue(() => this.#tickNow()).catch(() => undefined);
        }
        return heard;
      }),
    };
    early.result.catch(() => undefined); // a discarded guess fails with AbortError; a used one is awaited by the voice loop
    this.#early = { end: open.end, controller, transcript: early };
    if (this.options.awaitTurns) await early.result.catch(() => undefined);
  }

  async #tickNow(): Promise<void> {
    if (this.#closed) return;
    await this.#finish(this.#endpointer.tick(this.#ring.end, this.parts.vad.speaking, 0));
  }

  /** The wake word belongs to an utterance if it fired during it or during its pre-roll. */
  #wakeFor(span: { start: number; end: number }): WakeDetection | null {
    const from = Math.max(0, span.start - Math.round((this.voice().preroll_ms * RATE) / 1000));
    const wake = this.#lastWake;
    return wake && wake.at >= from - RATE && wake.at <= span.end + RATE / 2 ? wake : null;
  }

  /** When the frame holding sample `at` arrived (a live input delivers a frame when its last sample is captured). */
  #arrivalOf(at: number, fallback: number): number {
    return this.#arrivals.find(([end]) => end >= at)?.[1] ?? fallback;
  }

  #utteranceSamples(span: { start: number; end: number }): Float32Array {
    const preroll = Math.round((this.voice().preroll_ms * RATE) / 1000);
    return this.#ring.slice(Math.max(0, span.start - preroll), span.end);
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
    const wake = this.#wakeFor(span);
    if (wake) this.#lastWake = null;
    const stream = this.#stream;
    this.#stream = null;
    const early = this.#early?.end === span.end ? this.#early.transcript : undefined;
    if (!early) this.#early?.controller.abort();
    this.#early = null;
    const endpointAt = performance.now();
    const samples = this.#utteranceSamples(span);
    const utterance: Utterance = {
      sourceId: this.sourceId,
      samples,
      start: span.start,
      end: span.end,
      wake,
      endedAt: Date.now(),
      endpointAt,
      lastVoicedAt: this.#arrivalOf(span.end - trailingSilence(samples), endpointAt),
      ...(early ? { early } : {}),
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
