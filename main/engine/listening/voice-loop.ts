import type { Config } from '../../contract/config.ts';
import { describeError } from '../../platform/errors.ts';
import type { AudioHub } from '../audio/audio-hub.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Stt, Vad, WakeDetection, WakeWord } from '../stages.ts';
import { ListeningSession, type Utterance } from './listening-session.ts';
import type { IdentifiedSpeaker, SpeakerIdentifier, TurnResult } from './turn.ts';

const RATE = 16000;

export type WakeMatcher = (transcript: string, wakeWord: string, language: string) => { matched: boolean; command: string };

/** What the voice loop needs from the engine around it. */
export interface VoiceLoopHost {
  config(): Config;
  bus: EventBus;
  hub: AudioHub;
  stt: Stt;
  makeVad(threshold: number): Vad;
  /** A wake-word detector for one more input (streams keep state), if an acoustic engine is on. */
  makeWake?: () => WakeWord;
  identifier?: SpeakerIdentifier;
  matchWake: WakeMatcher;
  isSpeaking(): boolean;
  /** The user spoke over Kiwi: stop the answer. */
  bargeIn(sourceId: string): void;
  /** Hand a recognised command on; resolves when the reply has been spoken. */
  respond(command: string, heard: Heard): Promise<Pick<TurnResult, 'command' | 'reply'> & { firstAudioMs: number | null }>;
  /** A bare wake word: Kiwi shows it is listening (cue). */
  acknowledgeWake(sourceId: string): void;
  /** Say something outside a command (the outcome of a captured utterance). */
  announce(text: string): Promise<void>;
  result(result: TurnResult): void;
}

export interface Heard {
  sourceId: string;
  transcript: string;
  language: string;
  speaker: IdentifiedSpeaker | null;
}

/** Takes a whole utterance instead of treating it as a command (e.g. "this is my friend Anna" → Anna's voice). */
export type UtteranceCapture = (audio: { samples: Float32Array; sampleRate: number }) => Promise<string | null>;

const CAPTURE_WINDOW_MS = 30_000;

interface SourceState {
  session: ListeningSession;
  capture: { take: UtteranceCapture; until: number } | null;
  /**
   * Session clock (samples) of the follow-up window: speech that starts in it needs no wake word.
   * It opens when Kiwi stops speaking (or hears a bare wake word), so speech from before that,
   * still queued behind a slow turn, is not mistaken for a follow-up.
   */
  awakeFrom: number;
  awakeUntil: number;
  /** Session clock when Kiwi last started and stopped speaking (null while it speaks), and whether the user barged in since. */
  speakingFrom: number | null;
  speakingUntil: number | null;
  bargedIn: boolean;
}

/**
 * Turns audio inputs into commands: one ListeningSession per source, and for each utterance the
 * decision whether it is for Kiwi (wake word, follow-up window), the transcript, the speaker and
 * the command. Utterances are understood one at a time, in the order they ended.
 */
export class VoiceLoop {
  readonly #sources = new Map<string, SourceState>();
  #turns: Promise<void> = Promise.resolve();

  constructor(private readonly host: VoiceLoopHost) {}

  /** The session for a source, created on first use. `awaitTurns`: see ListeningSession. */
  session(sourceId: string, options: { awaitTurns?: boolean } = {}): ListeningSession {
    return this.#source(sourceId, options).session;
  }

  endSource(sourceId: string): Promise<void> {
    const state = this.#sources.get(sourceId);
    if (!state) return Promise.resolve();
    this.#sources.delete(sourceId);
    return state.session.end();
  }

  /** The next utterance from this source (within 30 s) goes to `take`, not to the command path. */
  captureNext(sourceId: string, take: UtteranceCapture): void {
    this.#source(sourceId).capture = { take, until: Date.now() + CAPTURE_WINDOW_MS };
  }

  /** Kiwi started or stopped speaking: echo of its voice must not count as a command. */
  speakingChanged(speaking: boolean): void {
    for (const state of this.#sources.values()) {
      if (speaking) {
        state.speakingFrom = state.session.now;
        state.speakingUntil = null;
        state.bargedIn = false;
      } else {
        // After an answer the next utterance needs no wake word for a while.
        state.speakingUntil = state.session.now;
        state.awakeFrom = state.session.now;
        state.awakeUntil = state.session.now + this.host.config().voice.follow_up_s * RATE;
      }
    }
  }

  #source(sourceId: string, options: { awaitTurns?: boolean } = {}): SourceState {
    const existing = this.#sources.get(sourceId);
    if (existing) return existing;
    const { host } = this;
    const voice = () => host.config().voice;
    const state: SourceState = { session: undefined as unknown as ListeningSession, capture: null, awakeFrom: 0, awakeUntil: -1, speakingFrom: null, speakingUntil: null, bargedIn: false };
    state.session = new ListeningSession(
      sourceId,
      {
        vad: host.makeVad(voice().vad_threshold),
        wake: host.makeWake?.(),
        bargeInVad: voice().barge_in ? host.makeVad(voice().barge_in_threshold) : undefined,
        openStream: host.stt.createStream ? () => host.stt.createStream!({ language: host.config().language }) : undefined,
      },
      voice,
      {
        speechStarted: (id) => host.bus.emit('SPEECH_STARTED', { source: id }, 'engine'),
        partial: (id, text) => host.bus.emit('SPEECH_PARTIAL', { source: id, text }, 'engine'),
        wake: (id, detection) => this.#onWake(id, detection),
        speaking: () => host.isSpeaking(),
        bargeIn: (id) => {
          state.bargedIn = true;
          state.awakeFrom = state.speakingFrom ?? state.session.now; // the words that barged in are for Kiwi
          state.awakeUntil = state.session.now + voice().follow_up_s * RATE;
          host.bargeIn(id);
        },
        utterance: (utterance) => {
          const run = this.#turns.then(() => this.#understand(state, utterance));
          this.#turns = run.catch((err: unknown) => {
            host.bus.emit('ERROR', { code: 'turn_failed', message: describeError(err) }, 'engine');
          });
          return this.#turns;
        },
      },
      options,
    );
    this.#sources.set(sourceId, state);
    return state;
  }

  #onWake(sourceId: string, detection: WakeDetection): void {
    const config = this.host.config();
    this.host.bus.emit(
      'WAKE_WORD_DETECTED',
      { source: sourceId, wake_word: config.wake_word, keyword: detection.keyword, score: detection.score, engine: config.wake_word_engine },
      'engine',
    );
  }

  async #understand(state: SourceState, utterance: Utterance): Promise<void> {
    const { host } = this;
    const config = host.config();
    const seconds = (utterance.end - utterance.start) / RATE;
    host.bus.emit('SPEECH_ENDED', { source: utterance.sourceId, duration_ms: Math.round(seconds * 1000) }, 'engine');
    const ignore = (why: string, extra: Partial<TurnResult> = {}) =>
      host.result({ wake: false, transcript: '', language: config.language, speaker: null, command: null, reply: null, ignored: why, timings_ms: {}, ...extra });

    // Speech that began while Kiwi spoke is its own voice coming back, unless the user barged in.
    const startedWhileSpeaking =
      state.speakingFrom !== null && utterance.start >= state.speakingFrom && (state.speakingUntil === null || utterance.start < state.speakingUntil);
    const echo = startedWhileSpeaking && !state.bargedIn;
    if (echo) return ignore('heard while Kiwi was speaking (echo), without barge-in');
    const capture = state.capture && state.capture.until >= Date.now() ? state.capture : null;
    state.capture = null;
    if (capture) {
      const reply = await capture.take({ samples: utterance.samples, sampleRate: RATE });
      if (reply) await host.announce(reply);
      return host.result({ wake: false, transcript: '', language: config.language, speaker: null, command: 'capture', reply, timings_ms: {} });
    }
    const awake = utterance.start >= state.awakeFrom && utterance.start <= state.awakeUntil;
    const acoustic = config.wake_word_engine !== 'text' && host.makeWake !== undefined;
    if (acoustic && !utterance.wake && !awake) return ignore('no wake word');

    const t0 = performance.now();
    const queued = Math.max(0, Date.now() - utterance.endedAt);
    const audio = { samples: utterance.samples, sampleRate: RATE };
    const [heard, speaker] = await Promise.all([
      (utterance.streamedText !== undefined
        ? Promise.resolve({ text: utterance.streamedText, language: config.language })
        : host.stt.transcribe(audio, { language: config.language })
      ).then((t) => ({ ...t, ms: performance.now() - t0 })),
      this.#identify(audio),
    ]);
    const timings: Record<string, number> = {
      transcript: Math.round(queued + heard.ms),
      ...(speaker ? { speaker: Math.round(queued + speaker.ms) } : {}),
    };
    const who = speaker?.who ?? null;
    const base = { transcript: heard.text, language: heard.language, timings_ms: timings };
    if (!heard.text.trim()) return ignore('no speech recognised', base);

    const match = host.matchWake(heard.text, config.wake_word, heard.language);
    const wake = Boolean(utterance.wake) || match.matched;
    if (!wake && !awake) return ignore('no wake word', base);
    if (match.matched && !utterance.wake) this.#onWake(utterance.sourceId, { keyword: config.wake_word, score: 1, at: utterance.start });
    if (who === 'self') return ignore("Kiwi's own voice", { ...base, wake });
    const known = who;
    const speakerView = known ? { id: known.id, name: known.name, confidence: known.confidence } : null;
    if (known?.blocked) return ignore('blocked speaker', { ...base, wake, speaker: speakerView });

    const command = (match.matched ? match.command : heard.text).trim();
    if (!command) {
      // "Kiwi" alone: listen for the command without another wake word.
      state.awakeFrom = utterance.end;
      state.awakeUntil = state.session.now + config.voice.follow_up_s * RATE;
      host.acknowledgeWake(utterance.sourceId);
      return host.result({ wake, ...base, speaker: speakerView, command: null, reply: null });
    }
    host.bus.emit(
      'SPEECH_RECOGNIZED',
      { source: utterance.sourceId, text: command, transcript: heard.text, language: heard.language, speaker_id: known?.id ?? null, speaker_name: known?.name ?? null },
      'engine',
    );
    const tRespond = performance.now();
    const answer = await host.respond(command, { sourceId: utterance.sourceId, transcript: heard.text, language: heard.language, speaker: known });
    // All timings count from the moment the end of speech was decided.
    if (answer.firstAudioMs !== null) timings.first_audio = Math.round(queued + tRespond - t0 + answer.firstAudioMs);
    timings.total = Math.round(queued + performance.now() - t0);
    host.result({ wake, ...base, speaker: speakerView, command: answer.command, reply: answer.reply });
  }

  async #identify(audio: { samples: Float32Array; sampleRate: number }) {
    const identifier = this.host.identifier;
    if (!identifier) return null;
    const t0 = performance.now();
    const who = await identifier.identify(audio);
    return { who, ms: performance.now() - t0 };
  }
}
