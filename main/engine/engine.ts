import type { Config } from '../contract/config.ts';
import type { EngineState } from '../contract/events.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { KiwiError, describeError, unavailable } from '../platform/errors.ts';
import { wakeCue } from './audio/cue.ts';
import { RealTimePacer } from './audio/real-time-pacer.ts';
import { StateMachine } from './dialogue/state-machine.ts';
import type { ChatAnswer, EngineOptions } from './engine-options.ts';
import type { ListeningSession } from './listening/listening-session.ts';
import type { TurnResult } from './listening/turn.ts';
import { VoiceLoop, type UtteranceCapture } from './listening/voice-loop.ts';
import type { BuiltParts, Fallback } from './parts.ts';
import { Replies, type SpeakOutcome } from './speech/replies.ts';
import type { EngineParts, PartName } from './stages.ts';
import { confirmWakeWord } from './stages/wake/confirm.ts';
import { matchWakeWord } from './stages/wake/text-match.ts';
import { TurnRun, type TurnHandle } from './turns/turn-run.ts';
import { TurnSlot } from './turns/turn-slot.ts';

export type { ChatAnswer, EngineOptions, SpeakOutcome };

/**
 * The voice engine of one Kiwi process: the state machine, the audio stages, the voice loop over
 * every audio input, and the current turn (one AbortController that stop and barge-in
 * cancel). It is cheap: a config change makes a new one over the models that did not change.
 */
export class Engine {
  readonly machine = new StateMachine('IDLE');
  readonly parts: EngineParts;
  readonly #missing: BuiltParts['missing'];
  readonly #voice: VoiceLoop | null;
  readonly #results = new Set<(result: TurnResult) => void>();
  readonly #cleanup: Array<() => void> = [];
  readonly #turns: TurnSlot;
  readonly #replies: Replies;
  #disposed = false;
  readonly #clock: Clock;

  constructor(private readonly options: EngineOptions) {
    this.parts = options.built.parts;
    this.#missing = options.built.missing;
    this.#cleanup.push(
      this.machine.onChange(({ from, to, reason }) => {
        options.bus.emit('STATE_CHANGED', { old_state: from, new_state: to, reason }, 'engine');
        if (to === 'SPEAKING' || from === 'SPEAKING') this.#voice?.speakingChanged(to === 'SPEAKING');
      }),
    );
    this.#clock = options.clock ?? systemClock;
    this.#turns = new TurnSlot(this.machine, () => (options.config().listening && this.#voice ? 'LISTENING' : 'IDLE'));
    this.#replies = new Replies({
      config: options.config,
      bus: options.bus,
      hub: options.hub,
      machine: this.machine,
      parts: this.parts,
      requireTts: () => this.require('tts'),
      handler: options.handler,
      preview: options.preview,
      turns: this.#turns,
      error: (code, err, turnId) => this.#error(code, err, turnId),
    });
    this.#voice = this.canListen ? this.#makeVoiceLoop() : null;
  }

  get state(): EngineState {
    return this.machine.state;
  }

  get activeSpeaker(): string | null {
    return this.#replies.activeSpeaker;
  }

  /** `stage: reason` for every stage that is not available (a stage being rebuilt says so). */
  get missing(): string[] {
    const rebuilding = Object.entries(this.options.rebuilding ?? {}).map(([stage, reason]) => `${stage}: rebuilding (${reason})`);
    return [...Object.entries(this.#missing).map(([stage, reason]) => `${stage}: ${reason}`), ...rebuilding];
  }

  /** `stage: reason` for every stage being rebuilt now. */
  get rebuilding(): string[] {
    return Object.entries(this.options.rebuilding ?? {}).map(([stage, reason]) => `${stage}: ${reason}`);
  }

  /** Stages running on their usable alternative, and why (for /api/status). */
  get fallbacks(): Fallback[] {
    return this.options.built.fallbacks ?? [];
  }

  /** The wake engine listening now: the configured one, or the transcript when it has no usable model. */
  get wakeEngine(): Config['wake_word_engine'] {
    return this.parts.wake ? this.options.config().wake_word_engine : 'text';
  }

  /** Begin listening when config says so and the listening stages exist; otherwise stay IDLE. */
  start(): void {
    const { hub } = this.options;
    if (this.#voice) {
      const voice = this.#voice;
      // Live inputs go through the pacer: at most ~1.5x real time, a bounded backlog, cancelled when they leave.
      const pacer = new RealTimePacer(
        {
          feed: (source, samples) => voice.session(source).push(samples),
          failed: (_source, err) => this.#error('audio_failed', err),
          dropped: (source, reason, droppedMs) => this.options.bus.emit('AUDIO_OVERRUN', { source, reason, dropped_ms: droppedMs }, 'engine'),
        },
        this.options.clock,
      );
      this.#cleanup.push(
        hub.onFrame((source, samples) => {
          if (this.state === 'IDLE') return; // listening is off: frames are dropped, not queued
          pacer.push(source, samples);
        }),
        hub.onSourceEnd((source) => {
          pacer.end(source);
          voice.cancelSource(source).catch((err: unknown) => this.#error('audio_failed', err));
        }),
      );
    }
    this.applyListening(this.options.config().listening);
    this.options.bus.emit('ENGINE_READY', { missing: this.missing }, 'engine');
  }

  applyListening(on: boolean): void {
    if (on && this.#voice && this.state === 'IDLE') this.machine.moveTo('LISTENING');
    if (!on && this.state === 'LISTENING') this.machine.moveTo('IDLE');
  }

  /** A listening session fed directly (CLI, tests), outside the hub. */
  listen(sourceId: string, options: { awaitTurns?: boolean } = {}): ListeningSession {
    if (!this.#voice) throw unavailable('listening_unavailable', `Cannot listen: ${this.missing.join('; ') || 'listening is off'}`);
    return this.#voice.session(sourceId, options);
  }

  endSource(sourceId: string): Promise<void> {
    return this.#voice?.endSource(sourceId) ?? Promise.resolve();
  }

  /** Hand the next utterance from `sourceId` to `take` (voice enrolment); what it returns is spoken. */
  captureNext(sourceId: string, take: UtteranceCapture): void {
    if (!this.#voice) throw unavailable('listening_unavailable', `Cannot listen: ${this.missing.join('; ') || 'listening is off'}`);
    this.#voice.captureNext(sourceId, take);
  }

  /** Every utterance's outcome (answered or ignored, and why). */
  onResult(listener: (result: TurnResult) => void): () => void {
    this.#results.add(listener);
    return () => this.#results.delete(listener);
  }

  /** A new run (turn) with its id; TURN_STARTED goes out now. */
  newTurn(kind: TurnRun['kind'], source: string): TurnRun {
    return new TurnRun({ bus: this.options.bus, clock: this.#clock }, kind, source);
  }

  /**
   * A typed turn (API, dashboard): the same handling as a spoken command. With `speak`, the reply
   * is also spoken (when a TTS exists); otherwise only returned. The handle's id is the turn's.
   */
  chat(text: string, options: { language?: string; speak: boolean }): TurnHandle<ChatAnswer> {
    const language = options.language ?? this.options.config().language;
    const run = this.newTurn('text', 'text');
    const done = (async () => {
      this.options.bus.emit('SPEECH_RECOGNIZED', { source: 'text', text, transcript: text, language, speaker_id: null, speaker_name: null, turn_id: run.id }, 'engine');
      const base = { turn_id: run.id, wake: false, transcript: text, language, speaker: null };
      let answer: Awaited<ReturnType<Replies['respond']>>;
      try {
        answer = await this.#replies.respond(text, { sourceId: 'text', transcript: text, language, speaker: null, turn: run }, options.speak && Boolean(this.parts.tts));
      } catch (err) {
        // The caller gets the error; the turn still ends (the dashboard's waterfall closes), with its code.
        const error = { code: err instanceof KiwiError ? err.code : 'turn_failed', message: describeError(err) };
        this.#finished({ ...base, command: null, reply: null, error, timings_ms: run.timings() }, 'text');
        throw err;
      }
      run.end('total');
      this.#finished({ ...base, ...answer, timings_ms: run.timings() }, 'text');
      return { ...answer, turn_id: run.id };
    })();
    return { id: run.id, done };
  }

  /**
   * Speak `text` now (test phrase, announcement) as a turn of its own. Throws 503 at once when no
   * TTS exists; later failures become ERROR events. `done` says whether it was cut off.
   */
  speak(text: string): TurnHandle<SpeakOutcome> {
    this.require('tts');
    this.stop();
    const run = this.newTurn('announcement', 'announcement');
    return { id: run.id, done: this.#replies.speak(text, run) };
  }

  /** Stop playback, pending synthesis and the running request together; with nothing running it does nothing. */
  stop(): void {
    this.#turns.cancel(new KiwiError('stopped', 'Stopped by request'));
  }

  /** Whether something is running (a turn that stop() would end). */
  get busy(): boolean {
    return this.#turns.busy;
  }

  /** Resolves when no turn is running (a config change from a command waits so its reply is heard). */
  idle(): Promise<void> {
    return this.#turns.idle();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#turns.close(new KiwiError('engine_restarting', 'The engine is restarting'));
    this.#replies.dispose();
    for (const off of this.#cleanup) off();
  }

  /** Whether the listening stages (VAD, STT) are there: without them nothing is heard, whatever config says. */
  get canListen(): boolean {
    // Without its wake stage, the voice loop finds the wake word in the transcript (a fallback, see parts.ts).
    const { vad, stt } = this.parts;
    return Boolean(vad && stt);
  }

  #makeVoiceLoop(): VoiceLoop {
    const { vad, stt, wake } = this.parts;
    const { bus, hub, config } = this.options;
    return new VoiceLoop({
      config,
      bus,
      hub,
      clock: this.#clock,
      newTurn: (source) => this.newTurn('voice', source),
      stt: stt!,
      makeVad: (threshold) => vad!.fork(threshold),
      makeWake: wake ? () => wake.fork() : undefined,
      identifier: this.options.identifier,
      handsFree: this.options.handsFree,
      matchWake: this.options.matchWake ?? ((text, word, language) => matchWakeWord(text, word, language)),
      confirmWake: (text, word, language) => confirmWakeWord(text, word, language),
      isSpeaking: () => this.state === 'SPEAKING',
      bargeIn: (source) => {
        if (this.state !== 'SPEAKING' || !this.#turns.busy) return;
        bus.emit('BARGE_IN', { source, turn_id: this.#turns.runId }, 'engine');
        this.#turns.cancel(new KiwiError('barge_in', 'The user spoke over Kiwi'));
      },
      cancelTurn: (turnId, reason) => {
        if (this.#turns.runId === turnId) this.#turns.cancel(reason);
      },
      acknowledgeWake: () => {
        if (config().voice.wake_cue) void hub.play(wakeCue(), new AbortController().signal).catch((err: unknown) => this.#error('audio_failed', err));
      },
      respond: (command, heard) => this.#replies.respond(command, heard),
      prepareReply: (command, source, language) => this.#replies.prepare(command, source, language),
      announce: (text, run) => this.#replies.announce(text, run),
      result: (result) => this.#finished(result, 'voice'),
    });
  }

  /** Every turn's outcome goes to listeners (CLI, tests) and, as TURN_FINISHED, to the dashboard's transcript and waterfall. */
  #finished(result: TurnResult, source: string): void {
    for (const listener of this.#results) listener(result);
    this.options.bus.emit('TURN_FINISHED', { ...result, source }, 'engine');
  }

  #error(code: string, err: unknown, turnId?: string): void {
    this.options.bus.emit('ERROR', { code, message: describeError(err), ...(turnId ? { turn_id: turnId } : {}) }, 'engine');
  }

  /** The stage, or a 503 naming why it is not available. */
  require<K extends PartName>(stage: K): NonNullable<EngineParts[K]> {
    const part = this.parts[stage];
    const rebuilding = this.options.rebuilding?.[stage];
    if (!part && rebuilding) throw unavailable('rebuilding', `${stage} is being rebuilt (${rebuilding}); try again in a moment`);
    if (!part) throw unavailable(`${stage}_unavailable`, `Not available: ${stage}: ${this.#missing[stage] ?? 'not built'}`);
    return part as NonNullable<EngineParts[K]>;
  }
}
