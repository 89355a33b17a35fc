import type { Config } from '../../contract/config.ts';
import type { SttStream, Vad, WakeDetection, WakeWord } from '../stages.ts';
import { Endpointer } from './endpointer.ts';
import { RingBuffer } from './ring-buffer.ts';
import { BargeInWatch } from './barge-in-watch.ts';
import { SAMPLE_RATE } from '../../contract/audio.ts';
import { rmsLevel, trailingSilence, VoicedEnd } from './voiced-end.ts';
import { FrameArrivals } from './frame-arrivals.ts';
import { StreamFollower } from './stream-follower.ts';
import type { Utterance } from './utterance.ts';
import { covers, isStale, speechSoFar, type EarlyGuess, type EarlyTranscript, type Listening, type Speculate } from './early-transcript.ts';
import { ProvisionalEnd, provisionalSpan } from './provisional-end.ts';
import { judgeEarly } from './early-verdict.ts';

export type { EarlyTranscript, Speculate, Utterance };

const RATE = SAMPLE_RATE;

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
  readonly #bargeIn: BargeInWatch | null;
  readonly #follower: StreamFollower;
  #closed = false;
  /** A live input's early verdict settles between frames, with no caller: its failure goes to the next push's. */
  #settleFailure: unknown = null;
  #early: EarlyGuess | null = null;
  readonly #voiced = new VoicedEnd();
  /** Where the VAD's current stretch began hearing speech (null before any). */
  #speakingSince: number | null = null;
  readonly #arrivals = new FrameArrivals();
  readonly #provisional: ProvisionalEnd;

  constructor(
    readonly sourceId: string,
    private readonly parts: SessionParts,
    private readonly voice: () => Config['voice'],
    private readonly hooks: SessionHooks,
    private readonly options: { awaitTurns?: boolean } = {},
  ) {
    this.#ring = new RingBuffer(Math.ceil((voice().max_utterance_s + 5) * RATE));
    this.#endpointer = new Endpointer(voice);
    this.#bargeIn = parts.bargeInVad ? new BargeInWatch(parts.bargeInVad) : null;
    this.#follower = new StreamFollower(parts.openStream);
    this.#provisional = new ProvisionalEnd(options.awaitTurns);
  }

  /** Samples since the stream began (the session's clock). */
  get now(): number {
    return this.#ring.end;
  }

  push(samples: Float32Array): Promise<void> {
    return this.#enqueue(async () => {
      await this.#process(samples);
      const failure = this.#settleFailure;
      this.#settleFailure = null;
      if (failure) throw failure;
    });
  }

  /** Work on this session runs strictly in order; the caller sees a failure, later work still runs. */
  #enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The source left: frames still queued are skipped and no utterance is handed on (no flush); a provisional one's words do not stand. */
  cancel(): void {
    this.#closed = true;
    this.#provisional.abandon();
  }

  /** End of input: the open utterance (if any) is handled. */
  end(): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#closed) return this.#dispose();
      const spans = this.parts.vad.flush();
      for (const s of spans) await this.#finish(this.#endpointer.addSpeech({ start: s.start, end: s.start + s.samples.length }));
      await this.#finish(this.#endpointer.flush());
      await this.#provisionalStands();
      this.#closed = true;
      this.#dispose();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The session's own detectors (forks of the engine's models) go with it. */
  #dispose(): void {
    this.parts.vad.dispose();
    this.#bargeIn?.dispose();
    this.parts.wake?.dispose();
  }

  async #process(samples: Float32Array): Promise<void> {
    if (this.#closed) return;
    this.#ring.push(samples);
    this.#arrivals.arrived(this.#ring.end, performance.now());
    const { vad, wake } = this.parts;
    this.#voiced.push(samples, this.#ring.end);
    const finished = vad.accept(samples);
    if (vad.speaking && !this.#wasSpeaking) {
      this.#speakingSince = this.#ring.end - samples.length;
      this.hooks.speechStarted(this.sourceId);
    }
    this.#wasSpeaking = vad.speaking;
    const kiwiSpeaking = this.hooks.speaking();
    this.#provisional.heard(this.#voiced.end, this.#ring.end - samples.length, kiwiSpeaking);
    if (this.#bargeIn?.accept(samples, kiwiSpeaking)) {
      this.#provisional.resumed(this.#ring.end - samples.length);
      this.hooks.bargeIn(this.sourceId);
    }
    const partial = await this.#follower.accept(samples, vad.speaking, () => this.#ring.slice(this.#prerollFrom(this.#ring.end - samples.length), this.#ring.end));
    if (partial) this.hooks.partial?.(this.sourceId, partial);
    if (wake) {
      const hit = await wake.accept(samples);
      if (hit) {
        this.#lastWake = hit;
        this.hooks.wake(this.sourceId, hit);
      }
    }
    for (const s of finished) await this.#finish(this.#endpointer.addSpeech({ start: s.start, end: s.start + s.samples.length }));
    this.#judge();
    const ended = this.#endpointer.tick(this.#ring.end, vad.speaking, rmsLevel(samples));
    if (ended) return this.#finish(ended);
    if (!vad.speaking && !this.#endpointer.open) await this.#provisionalStands(); // its stretch was too short for the endpointer
    await this.#speculate(vad.speaking);
  }

  /**
   * After `speculative_ms` of silence, transcribe the utterance so far; if speech resumes, the
   * result is thrown away. Silence is the voice's own (VoicedEnd), so this starts while the VAD
   * still hangs on to the stretch; once the VAD has closed it, its end counts. The verdict
   * (complete words or an unfinished phrase) moves the endpoint. Live inputs do not wait for it;
   * with `awaitTurns` (deterministic runs) it is awaited, as if decoding took no audio time.
   */
  async #speculate(speaking: boolean): Promise<void> {
    const now = this.#listening(speaking);
    if (this.#early && isStale(this.#early, now)) {
      this.#early.controller.abort(); // speech resumed: the early transcript is thrown away
      this.#early = null;
    }
    const { speculative_ms } = this.voice();
    const speculate = this.hooks.speculate;
    if (!speculate || this.#early || speculative_ms <= 0) return;
    const span = speechSoFar(now, speculative_ms);
    if (!span) return;
    const controller = new AbortController();
    const from = this.#prerollFrom(span.start);
    // On the voice, all audio so far: Whisper misheard a last word cut off near its last voiced sample.
    const to = speaking ? this.#ring.end : span.end;
    const samples = this.#ring.slice(from, to);
    const pending = speculate(samples, { start: span.start, wake: this.#wakeFor(span) !== null }, controller.signal);
    if (!pending) return; // not worth transcribing early (no wake word for it): asked again when the utterance grows
    const result = pending.then((heard) => {
      early.transcript.doneAt = performance.now();
      early.verdict = heard.verdict;
      early.sayOnly = heard.sayOnly;
      // Live inputs are not awaited: the verdict acts now, not at the next frame.
      if (!this.options.awaitTurns) void this.#enqueue(() => this.#settle(early)).catch((err: unknown) => (this.#settleFailure ??= err));
      return heard;
    });
    result.catch(() => undefined); // a discarded guess fails with AbortError; a used one is awaited by the voice loop
    const early: EarlyGuess = { ...span, from, heardTo: this.#ring.end, byVoice: speaking, verdict: null, controller, transcript: { result, samples } };
    this.#early = early;
    if (this.options.awaitTurns) {
      await result.catch(() => undefined);
      await this.#settle(early);
    }
  }

  #listening(speaking: boolean): Listening {
    const endpointer = this.#endpointer;
    return {
      now: this.#ring.end,
      speaking,
      open: endpointer.open,
      speakingSince: this.#speakingSince,
      voicedEnd: this.#voiced.end,
      silenceLimit: (open) => endpointer.silenceLimit(open),
      onVoice: this.voice().speculate_on_voice,
    };
  }

  /** The early transcript is done: its verdict moves the endpoint now, if it may already (#judge). */
  async #settle(early: EarlyGuess): Promise<void> {
    if (this.#closed || this.#early !== early) return;
    const provisional = this.#provisional.pending ? null : provisionalSpan(early, this.#listening(this.parts.vad.speaking), this.voice());
    if (provisional) return this.#finish(provisional, early);
    this.#judge();
    await this.#finish(this.#endpointer.tick(this.#ring.end, this.parts.vad.speaking, 0));
  }

  /** The early transcript's verdict moves the endpoint, once it may (early-verdict.ts). */
  #judge(): void {
    judgeEarly(this.#early, this.#endpointer, this.#listening(this.parts.vad.speaking), this.voice().smart_endpoint);
  }

  /** The wake word belongs to an utterance if it fired during it or during its pre-roll. */
  #wakeFor(span: { start: number; end: number }): WakeDetection | null {
    const from = this.#prerollFrom(span.start);
    const wake = this.#lastWake;
    return wake && wake.at >= from - RATE && wake.at <= span.end + RATE / 2 ? wake : null;
  }

  /** Where an utterance starting at `start` is cut, its pre-roll included. */
  #prerollFrom(start: number): number {
    return Math.max(0, start - Math.round((this.voice().preroll_ms * RATE) / 1000));
  }

  /**
   * Hands an utterance on. A provisional one (voice.provisional_end: the early guess it ends at)
   * leaves the endpointer and the early transcript be: the endpointer's own end settles it (same
   * words: dropped; more: joined). One that may act carries `settled` until then.
   */
  async #finish(ended: { start: number; end: number } | null, provisional: EarlyGuess | null = null): Promise<void> {
    if (!ended) return;
    const settled = provisional ? null : this.#provisional.settle(ended);
    const span = settled?.span ?? ended;
    const wake = this.#wakeFor(span) ?? (settled?.joined ? settled.pending.wake : null);
    if (wake) this.#lastWake = null;
    const streamed = provisional ? undefined : this.#follower.finish();
    const early = this.#early && covers(this.#early, span, this.#voiced.end) ? this.#early.transcript : undefined;
    if (!provisional) this.#rest(early !== undefined);
    if (settled && !settled.joined) {
      await streamed; // the provisional utterance's own audio, handed on already: its stream only closes
      return this.#provisional.handled(settled);
    }
    const endpointAt = performance.now();
    const samples = this.#ring.slice(this.#prerollFrom(span.start), span.end);
    const utterance: Utterance = {
      sourceId: this.sourceId,
      samples,
      start: span.start,
      end: span.end,
      wake,
      endedAt: Date.now(),
      endpointAt,
      lastVoicedAt: this.#arrivals.arrivalOf(span.end - trailingSilence(samples), endpointAt),
      ...(early ? { early } : {}),
      ...(streamed ? { streamedText: await streamed } : {}),
      ...(settled?.joined ? { joined: true as const } : {}),
    };
    if (this.#closed) return; // cancelled while the recognizer finished
    if (provisional) return this.#provisional.handOn(utterance, this.#voiced.end, provisional.sayOnly === false, (u) => this.hooks.utterance(u));
    const handled = this.hooks.utterance(utterance);
    await this.#provisional.handled(settled);
    if (this.options.awaitTurns) await handled;
  }

  /** A provisional utterance's stretch ended without the endpointer (too short for it, or the input ended): it stands as it was. */
  async #provisionalStands(): Promise<void> {
    const settled = this.#provisional.settle(null);
    if (!settled) return;
    this.#rest(false);
    await this.#provisional.handled(settled);
  }

  /** An utterance is over: its early transcript goes (aborted unless it is used), and the next one's loudness sets what counts as voice. */
  #rest(used: boolean): void {
    if (!used) this.#early?.controller.abort();
    this.#early = null;
    this.#voiced.restart();
  }
}
