import type { Config } from '../../contract/config.ts';
import type { AudioHub } from '../audio/audio-hub.ts';
import type { StateMachine } from '../dialogue/state-machine.ts';
import type { EventBus } from '../events/event-bus.ts';
import { describeError, KiwiError } from '../../platform/errors.ts';
import type { ReplyPreview, TurnHandler, TurnResult } from '../listening/turn.ts';
import type { Heard } from '../listening/voice-loop.ts';
import type { EngineParts, Tts, TtsOptions } from '../stages.ts';
import type { TurnRun } from '../turns/turn-run.ts';
import type { TurnSlot } from '../turns/turn-slot.ts';
import { PreparedSpeech } from './prepared-speech.ts';
import { speakSentences } from './sentence-speaker.ts';

/** A command's outcome; `interrupted` (why) when stop, barge-in or a newer turn cut the turn short. */
export type RespondOutcome = Pick<TurnResult, 'command' | 'reply' | 'interrupted' | 'error'>;

/** How a spoken line ended: `interrupted` when stop, barge-in or a newer turn cut it off. */
export interface SpeakOutcome {
  interrupted: boolean;
}

export interface RepliesDeps {
  config: () => Config;
  bus: EventBus;
  hub: AudioHub;
  machine: StateMachine;
  /** The engine's stages: without a TTS, nothing is spoken or prepared. */
  parts: Pick<EngineParts, 'tts'>;
  /** The TTS, or a 503 naming why it is not available. */
  requireTts: () => Tts;
  handler?: TurnHandler;
  preview?: ReplyPreview;
  /** The engine's one running turn, as a reply takes it over and hands it back. */
  turns: Pick<TurnSlot, 'begin' | 'end'>;
  error: (code: string, err: unknown, turnId?: string) => void;
}

/**
 * What Kiwi says back, each as (part of) the engine's running turn: a command's reply, a line of
 * its own (announcement, test phrase), and a read-only command's reply synthesised before the
 * turn asks for it. Speaking moves the engine to SPEAKING at the first audio.
 */
export class Replies {
  #activeSpeaker: string | null = null;
  #prepared: PreparedSpeech | null = null;
  #disposed = false;

  constructor(private readonly deps: RepliesDeps) {}

  /** Who said the command being answered (null: typed, or an unknown voice). */
  get activeSpeaker(): string | null {
    return this.#activeSpeaker;
  }

  /**
   * Runs a command as stages of its turn: `command` (the handler), `first_audio` (until the reply is heard), `tts`.
   * A turn cut short (stop, barge-in, a newer turn) still answers with the command that ran and the
   * reply it produced, and says why in `interrupted`: a timer that was set must stay on record.
   */
  async respond(command: string, heard: Heard, speak = true): Promise<RespondOutcome> {
    const { bus, machine, turns } = this.deps;
    const run = heard.turn;
    this.#activeSpeaker = heard.speaker?.id ?? null;
    const turn = turns.begin('PROCESSING', run);
    bus.emit('COMMAND_RECEIVED', { command, source: heard.sourceId, speaker_id: this.#activeSpeaker, language: heard.language, turn_id: run.id }, 'engine');
    let ran: string | null = null;
    const cut = () => (turn.signal.aborted ? { interrupted: reasonCode(turn.signal.reason) } : {});
    const produced: string[] = []; // the reply's sentences as the handler wrote them (kept when the turn is cut short)
    let failure: unknown;
    try {
      if (!this.deps.handler) return { command: null, reply: null };
      machine.moveTo('THINKING');
      run.start('first_audio');
      const handler = this.deps.handler;
      const answer = await run.stage('command', () =>
        handler({ text: command, language: heard.language, speaker: heard.speaker, source: heard.sourceId, signal: turn.signal, turn_id: run.id, ...(heard.settled ? { settled: heard.settled } : {}) }),
      );
      ran = answer.command;
      if (!answer.reply) return { command: answer.command, reply: null, ...cut() };
      if (!speak) await collect(answer.reply, produced);
      else await this.#say(answer.reply, turn, run, produced);
      // The reply has ended, so a failure behind it is known by now.
      return { command: answer.command, reply: produced.join(' '), ...cut(), ...(answer.error ? { error: answer.error } : {}) };
    } catch (err) {
      failure = err;
      if (!turn.signal.aborted) throw err; // the voice loop reports it as an ERROR event, the API as an error answer
      return { command: ran, reply: joined(produced), ...cut() };
    } finally {
      // No audio came (nothing to say, not spoken, cut short, failed): the stage still ends, saying why.
      if (run.isOpen('first_audio')) run.end('first_audio', turn.signal.aborted ? ((turn.signal.reason as unknown) ?? new KiwiError('aborted', 'Cut short')) : (failure ?? new KiwiError('no_audio', speak ? 'the answer had nothing to say aloud' : 'the answer was not spoken')));
      turns.end(turn);
    }
  }

  /** Say `text` as the voice loop's turn `run` (the outcome of a captured utterance); a failure is thrown. */
  async announce(text: string, run: TurnRun): Promise<void> {
    if (!this.deps.parts.tts) return;
    const turn = this.deps.turns.begin('SPEAKING', run);
    try {
      await this.#say([text], turn, run);
    } catch (err) {
      if (!turn.signal.aborted) throw err; // stopped or barged in: that is the user's choice, not a failure
    } finally {
      this.deps.turns.end(turn);
    }
  }

  /** Say `text` as the announcement turn `run`, to its TURN_FINISHED; a failure becomes an ERROR event. */
  speak(text: string, run: TurnRun): Promise<SpeakOutcome> {
    const { bus, turns } = this.deps;
    const turn = turns.begin('SPEAKING', run);
    let error: TurnResult['error'];
    return this.#say([text], turn, run).then(
      () => undefined,
      (err: unknown) => {
        if (turn.signal.aborted) return;
        this.deps.error('tts_failed', err, run.id);
        error = { code: err instanceof KiwiError ? err.code : 'tts_failed', message: describeError(err) };
      },
    ).then(() => {
      turns.end(turn);
      run.end('total');
      // Cut short or failed, the announcement's turn says so, as a command's does.
      const outcome = { ...(turn.signal.aborted ? { interrupted: reasonCode(turn.signal.reason) } : {}), ...(error ? { error } : {}) };
      const result = { turn_id: run.id, wake: false, transcript: '', language: this.deps.config().language, speaker: null, command: null, reply: text, ...outcome, timings_ms: run.timings() };
      bus.emit('TURN_FINISHED', { ...result, source: 'announcement' }, 'engine');
      return { interrupted: turn.signal.aborted };
    });
  }

  /**
   * An early transcript named `command`: when it is a read-only command, its reply is synthesised
   * now, so the turn (a few tens of ms later, once the endpoint fires) finds the audio ready.
   * Resolves whether it is one (a command that only says something: voice.provisional_end may end it early).
   */
  prepare(command: string, source: string, language: string): Promise<boolean> {
    const { preview } = this.deps;
    if (!preview) return Promise.resolve(false);
    // Not the turn's request: nobody is identified yet, and nothing is carried out.
    const request = { text: command, language, speaker: null, source, signal: new AbortController().signal };
    return preview(request).then(
      (sentence) => {
        if (sentence && !this.#disposed && this.deps.parts.tts) this.#speech().prepare(sentence, this.#ttsOptions());
        return sentence !== null;
      },
      (err: unknown) => {
        this.deps.error('prepare_failed', err);
        return false;
      },
    );
  }

  /** The engine is going away: a prepared reply is dropped, and no new one is made. */
  dispose(): void {
    this.#disposed = true;
    this.#prepared?.discard();
  }

  /** The TTS a turn speaks with (a prepared reply is played from there). */
  #speech(): PreparedSpeech {
    return (this.#prepared ??= new PreparedSpeech(this.deps.requireTts()));
  }

  #ttsOptions(): Omit<TtsOptions, 'signal'> {
    const config = this.deps.config();
    return { voice: config.tts_voice, speed: config.tts_speed, language: config.language };
  }

  /** Speak `sentences`, each also pushed to `spoken` as it is taken (a caller keeps them when the turn is cut short). */
  async #say(sentences: AsyncIterable<string> | Iterable<string>, turn: AbortController, run: TurnRun, spoken: string[] = []) {
    const tts = this.#speech();
    const { bus, hub, machine } = this.deps;
    run.start('tts');
    let failure: unknown;
    const result = await speakSentences(
      (async function* () {
        for await (const sentence of sentences) {
          if (sentence.trim()) spoken.push(sentence.trim());
          yield sentence;
        }
      })(),
      tts,
      this.#ttsOptions(),
      (audio, signal) => hub.play(audio, signal),
      turn.signal,
      () => {
        if (machine.state !== 'SPEAKING') machine.moveTo('SPEAKING');
        run.end('first_audio');
        bus.emit('TTS_STARTED', { text: spoken.join(' '), turn_id: run.id }, 'engine');
      },
    )
      .catch((err: unknown) => {
        failure = err;
        throw err;
      })
      .finally(() => {
        // A voice that failed ends the stage with the error (not in the timings); one cut short keeps its time.
        run.end('tts', turn.signal.aborted ? undefined : failure);
        bus.emit('TTS_FINISHED', { text: spoken.join(' '), interrupted: turn.signal.aborted, turn_id: run.id }, 'engine');
      });
    return result;
  }
}

/** Read the reply's sentences into `out` (so what came before a failure or a stop is there). */
async function collect(sentences: AsyncIterable<string> | Iterable<string>, out: string[]): Promise<void> {
  for await (const sentence of sentences) if (sentence.trim()) out.push(sentence.trim());
}

const joined = (sentences: string[]): string | null => sentences.join(' ') || null;

/** Why a turn was cut short: the abort reason's code (stopped, superseded, barge_in, engine_restarting). */
function reasonCode(reason: unknown): string {
  return reason instanceof KiwiError ? reason.code : 'aborted';
}
