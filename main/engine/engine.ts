import type { Config } from '../contract/config.ts';
import type { EngineState } from '../contract/events.ts';
import { KiwiError, describeError, unavailable } from '../platform/errors.ts';
import type { AudioHub } from './audio/audio-hub.ts';
import { wakeCue } from './audio/cue.ts';
import { StateMachine } from './dialogue/state-machine.ts';
import type { EventBus } from './events/event-bus.ts';
import type { ListeningSession } from './listening/listening-session.ts';
import type { SpeakerIdentifier, TurnHandler, TurnResult } from './listening/turn.ts';
import { VoiceLoop, type Heard, type UtteranceCapture, type WakeMatcher } from './listening/voice-loop.ts';
import type { BuiltParts, Fallback } from './parts.ts';
import { speakSentences } from './speech/sentence-speaker.ts';
import type { EngineParts, PartName } from './stages.ts';
import { matchWakeWord } from './stages/wake/text-match.ts';

export interface EngineOptions {
  config: () => Config;
  bus: EventBus;
  hub: AudioHub;
  built: BuiltParts;
  /** What to do with a command; without one, commands are recognised but not answered. */
  handler?: TurnHandler;
  identifier?: SpeakerIdentifier;
  /** Finds the wake word in a transcript (the `text` engine, and stripping it from commands); default: the locale-aware matcher. */
  matchWake?: WakeMatcher;
}

/**
 * The voice engine of one Kiwi process: the state machine, the stages, the voice loop over
 * every audio input, and the current turn (one AbortController that stop and barge-in
 * cancel). `restart` replaces the whole object.
 */
export class Engine {
  readonly machine = new StateMachine('IDLE');
  readonly parts: EngineParts;
  readonly #missing: BuiltParts['missing'];
  readonly #voice: VoiceLoop | null;
  readonly #results = new Set<(result: TurnResult) => void>();
  readonly #cleanup: Array<() => void> = [];
  #turn: AbortController | null = null;
  #idleWaiters: Array<() => void> = [];
  #activeSpeaker: string | null = null;
  #disposed = false;

  constructor(private readonly options: EngineOptions) {
    this.parts = options.built.parts;
    this.#missing = options.built.missing;
    this.#cleanup.push(
      this.machine.onChange(({ from, to, reason }) => {
        options.bus.emit('STATE_CHANGED', { old_state: from, new_state: to, reason }, 'engine');
        if (to === 'SPEAKING' || from === 'SPEAKING') this.#voice?.speakingChanged(to === 'SPEAKING');
      }),
    );
    this.#voice = this.#canListen() ? this.#makeVoiceLoop() : null;
  }

  get state(): EngineState {
    return this.machine.state;
  }

  get activeSpeaker(): string | null {
    return this.#activeSpeaker;
  }

  /** `stage: reason` for every stage that is not available. */
  get missing(): string[] {
    return Object.entries(this.#missing).map(([stage, reason]) => `${stage}: ${reason}`);
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
      this.#cleanup.push(
        hub.onFrame((source, samples) => {
          if (this.state === 'IDLE') return; // listening is off: frames are dropped, not queued
          voice.session(source).push(samples).catch((err: unknown) => this.#error('audio_failed', err));
        }),
        hub.onSourceEnd((source) => void voice.endSource(source).catch((err: unknown) => this.#error('audio_failed', err))),
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

  /**
   * A typed turn (API, dashboard): the same handling as a spoken command. With `speak`, the reply
   * is also spoken (when a TTS exists); otherwise only returned.
   */
  async chat(text: string, options: { language?: string; speak: boolean }): Promise<{ command: string | null; reply: string | null }> {
    const language = options.language ?? this.options.config().language;
    this.options.bus.emit('SPEECH_RECOGNIZED', { source: 'text', text, transcript: text, language, speaker_id: null, speaker_name: null }, 'engine');
    const t0 = performance.now();
    const { command, reply, firstAudioMs } = await this.#respond(text, { sourceId: 'text', transcript: text, language, speaker: null }, options.speak && Boolean(this.parts.tts));
    const timings_ms: Record<string, number> = { total: Math.round(performance.now() - t0) };
    if (firstAudioMs !== null) timings_ms.first_audio = Math.round(firstAudioMs);
    this.#finished({ wake: false, transcript: text, language, speaker: null, command, reply, timings_ms }, 'text');
    return { command, reply };
  }

  /** Speak `text` now (test phrase, announcement). Throws 503 at once when no TTS exists; later failures become ERROR events. */
  speak(text: string): void {
    this.#require('tts');
    this.stop();
    const turn = this.#beginTurn();
    void this.#say([text], turn).then(
      () => this.#endTurn(turn),
      (err: unknown) => {
        if (!turn.signal.aborted) this.#error('tts_failed', err);
        this.#endTurn(turn);
      },
    );
  }

  /** Stop playback, pending synthesis and the running request together. */
  stop(): void {
    if (!this.parts.tts && !this.#turn) this.#require('tts');
    this.#turn?.abort(new KiwiError('stopped', 'Stopped by request'));
  }

  /** Resolves when no turn is running (a config change from a command waits so its reply is heard). */
  idle(): Promise<void> {
    if (!this.#turn) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#turn?.abort(new KiwiError('engine_restarting', 'The engine is restarting'));
    for (const off of this.#cleanup) off();
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
    for (const part of Object.values(this.parts)) (part as { dispose?: () => void }).dispose?.();
  }

  #canListen(): boolean {
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
      stt: stt!,
      makeVad: (threshold) => vad!.fork(threshold),
      makeWake: wake ? () => wake.fork() : undefined,
      identifier: this.options.identifier,
      matchWake: this.options.matchWake ?? ((text, word, language) => matchWakeWord(text, word, language)),
      isSpeaking: () => this.state === 'SPEAKING',
      bargeIn: (source) => {
        if (this.state !== 'SPEAKING' || !this.#turn) return;
        bus.emit('BARGE_IN', { source }, 'engine');
        this.#turn.abort(new KiwiError('barge_in', 'The user spoke over Kiwi'));
      },
      acknowledgeWake: () => {
        if (config().voice.wake_cue) void hub.play(wakeCue(), new AbortController().signal).catch((err: unknown) => this.#error('audio_failed', err));
      },
      respond: (command, heard) => this.#respond(command, heard),
      announce: async (text) => {
        if (!this.parts.tts) return;
        const turn = this.#beginTurn();
        try {
          await this.#say([text], turn);
        } catch (err) {
          if (!turn.signal.aborted) throw err; // stopped or barged in: that is the user's choice, not a failure
        } finally {
          this.#endTurn(turn);
        }
      },
      result: (result) => this.#finished(result, 'voice'),
    });
  }

  /** Runs a command; `firstAudioMs` counts from this call (handler time included) to the first reply audio. */
  async #respond(command: string, heard: Heard, speak = true) {
    const { bus } = this.options;
    const t0 = performance.now();
    this.#activeSpeaker = heard.speaker?.id ?? null;
    const turn = this.#beginTurn('PROCESSING');
    bus.emit('COMMAND_RECEIVED', { command, source: heard.sourceId, speaker_id: this.#activeSpeaker, language: heard.language }, 'engine');
    try {
      if (!this.options.handler) return { command: null, reply: null, firstAudioMs: null };
      this.machine.moveTo('THINKING');
      const answer = await this.options.handler({ text: command, language: heard.language, speaker: heard.speaker, source: heard.sourceId, signal: turn.signal });
      if (!answer.reply) return { command: answer.command, reply: null, firstAudioMs: null };
      if (!speak) return { command: answer.command, reply: await collect(answer.reply), firstAudioMs: null };
      const sayFrom = performance.now() - t0;
      const spoken = await this.#say(answer.reply, turn);
      return { command: answer.command, reply: spoken.text, firstAudioMs: spoken.firstAudioMs === null ? null : sayFrom + spoken.firstAudioMs };
    } catch (err) {
      if (turn.signal.aborted) return { command: null, reply: null, firstAudioMs: null };
      throw err; // the voice loop reports it as an ERROR event, the API as an error answer
    } finally {
      this.#endTurn(turn);
    }
  }

  async #say(sentences: AsyncIterable<string> | Iterable<string>, turn: AbortController) {
    const tts = this.#require('tts');
    const config = this.options.config();
    const { bus, hub } = this.options;
    const spoken: string[] = [];
    const result = await speakSentences(
      (async function* () {
        for await (const sentence of sentences) {
          spoken.push(sentence);
          yield sentence;
        }
      })(),
      tts,
      { voice: config.tts_voice, speed: config.tts_speed, language: config.language },
      (audio, signal) => hub.play(audio, signal),
      turn.signal,
      () => {
        if (this.machine.canMove('SPEAKING')) this.machine.moveTo('SPEAKING');
        bus.emit('TTS_STARTED', { text: spoken.join(' ') }, 'engine');
      },
    ).finally(() => bus.emit('TTS_FINISHED', { text: spoken.join(' '), interrupted: turn.signal.aborted }, 'engine'));
    return result;
  }

  /** Every turn's outcome goes to listeners (CLI, tests) and, as TURN_FINISHED, to the dashboard's transcript and waterfall. */
  #finished(result: TurnResult, source: string): void {
    for (const listener of this.#results) listener(result);
    this.options.bus.emit('TURN_FINISHED', { ...result, source }, 'engine');
  }

  #beginTurn(state: EngineState = 'SPEAKING'): AbortController {
    this.#turn?.abort(new KiwiError('superseded', 'A newer turn started'));
    const turn = new AbortController();
    this.#turn = turn;
    if (this.machine.canMove(state)) this.machine.moveTo(state);
    return turn;
  }

  #endTurn(turn: AbortController): void {
    if (this.#turn !== turn) return; // a newer turn owns the state now
    this.#turn = null;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
    if (this.#disposed) return;
    const next = this.options.config().listening && this.#voice ? 'LISTENING' : 'IDLE';
    if (this.machine.canMove(next)) this.machine.moveTo(next);
  }

  #error(code: string, err: unknown): void {
    this.options.bus.emit('ERROR', { code, message: describeError(err) }, 'engine');
  }

  #require<K extends PartName>(stage: K): NonNullable<EngineParts[K]> {
    const part = this.parts[stage];
    if (!part) throw unavailable(`${stage}_unavailable`, `Not available: ${stage}: ${this.#missing[stage] ?? 'not built'}`);
    return part as NonNullable<EngineParts[K]>;
  }
}

async function collect(sentences: AsyncIterable<string> | Iterable<string>): Promise<string> {
  const out: string[] = [];
  for await (const sentence of sentences) out.push(sentence.trim());
  return out.filter(Boolean).join(' ');
}
