import type { Config } from '../contract/config.ts';
import type { EngineState } from '../contract/events.ts';
import { KiwiError, describeError, unavailable } from '../platform/errors.ts';
import type { AudioHub } from './audio/audio-hub.ts';
import { StateMachine } from './dialogue/state-machine.ts';
import type { EventBus } from './events/event-bus.ts';
import type { BuiltParts } from './parts.ts';
import type { EngineParts, PartName } from './stages.ts';

export interface EngineOptions {
  config: () => Config;
  bus: EventBus;
  hub: AudioHub;
  built: BuiltParts;
}

/** Stages the listening loop needs before Kiwi can leave IDLE on its own. */
const LISTENING_NEEDS: PartName[] = ['vad', 'wake', 'stt'];

/**
 * The voice engine of one Kiwi process: the state machine, the stages, and the current turn
 * (one AbortController that stop and barge-in cancel). `restart` replaces the whole object.
 */
export class Engine {
  readonly machine = new StateMachine('IDLE');
  readonly parts: EngineParts;
  readonly #missing: BuiltParts['missing'];
  #turn: AbortController | null = null;
  #activeSpeaker: string | null = null;
  #disposed = false;
  readonly #unsubscribe: () => void;

  constructor(private readonly options: EngineOptions) {
    this.parts = options.built.parts;
    this.#missing = options.built.missing;
    this.#unsubscribe = this.machine.onChange(({ from, to, reason }) =>
      options.bus.emit('STATE_CHANGED', { old_state: from, new_state: to, reason }, 'engine'),
    );
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

  /** Begin listening when config says so and the listening stages exist; otherwise stay IDLE. */
  start(): void {
    this.applyListening(this.options.config().listening);
    this.options.bus.emit('ENGINE_READY', { missing: this.missing }, 'engine');
  }

  applyListening(on: boolean): void {
    const canListen = LISTENING_NEEDS.every((stage) => this.parts[stage] !== undefined);
    if (on && canListen && this.state === 'IDLE') this.machine.moveTo('LISTENING');
    if (!on && this.state === 'LISTENING') this.machine.moveTo('IDLE');
  }

  /** Speak `text` now (test phrase, announcement). Throws 503 at once when no TTS exists; later failures become ERROR events. */
  speak(text: string): void {
    const tts = this.#require('tts');
    this.stop();
    const turn = new AbortController();
    this.#turn = turn;
    const config = this.options.config();
    this.machine.moveTo('SPEAKING');
    this.options.bus.emit('TTS_STARTED', { text }, 'engine');
    void tts
      .synthesize(text, { voice: config.tts_voice, speed: config.tts_speed, language: config.language, signal: turn.signal })
      .then((audio) => this.options.hub.play(audio, turn.signal))
      .then(
        () => this.#endTurn(turn, { text, interrupted: false }),
        (err: unknown) => {
          if (!turn.signal.aborted) this.options.bus.emit('ERROR', { code: 'tts_failed', message: describeError(err) }, 'engine');
          this.#endTurn(turn, { text, interrupted: turn.signal.aborted });
        },
      );
  }

  /** Stop playback, pending synthesis and the running request together. */
  stop(): void {
    if (!this.parts.tts && !this.#turn) this.#require('tts');
    this.#turn?.abort(new KiwiError('stopped', 'Stopped by request'));
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#turn?.abort(new KiwiError('engine_restarting', 'The engine is restarting'));
    this.#unsubscribe();
  }

  #endTurn(turn: AbortController, data: { text: string; interrupted: boolean }): void {
    this.options.bus.emit('TTS_FINISHED', data, 'engine');
    if (this.#turn !== turn) return; // a newer turn owns the state now
    this.#turn = null;
    if (this.#disposed) return;
    const listening = this.options.config().listening && LISTENING_NEEDS.every((s) => this.parts[s]);
    this.machine.moveTo(listening ? 'LISTENING' : 'IDLE');
  }

  #require<K extends PartName>(stage: K): NonNullable<EngineParts[K]> {
    const part = this.parts[stage];
    if (!part) throw unavailable(`${stage}_unavailable`, `Not available: ${stage}: ${this.#missing[stage] ?? 'not built'}`);
    return part as NonNullable<EngineParts[K]>;
  }
}
