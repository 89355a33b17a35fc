import { describeError, KiwiError } from '../../platform/errors.ts';
import type { WakeDetection } from '../stages.ts';
import type { TurnRun } from '../turns/turn-run.ts';
import { ListeningSession } from './listening-session.ts';
import { earlyGuess } from './early-guess.ts';
import type { Utterance } from './utterance.ts';
import { inFollowUp, joinedBeforeKiwiSpoke, overlapsKiwi, startedWhileKiwiSpoke, type SourceState, type UtteranceCapture } from './source-state.ts';
import { acousticWake, isTwoStage, sttOptions, wakeInTranscript, type WakeJudges, type WakeMatcher } from './wake-decision.ts';
import { TurnQueue } from './turn-queue.ts';
import type { IdentifiedSpeaker, TurnResult } from './turn.ts';
import type { Heard, VoiceLoopHost } from './voice-loop-host.ts';
import { SAMPLE_RATE } from '../../contract/audio.ts';

const RATE = SAMPLE_RATE;

export type { Heard, UtteranceCapture, VoiceLoopHost, WakeMatcher };

const CAPTURE_WINDOW_MS = 30_000;
/** Utterances that may wait behind the one being understood before the oldest is dropped. */
const MAX_WAITING_TURNS = 3;
const SOURCE_LEFT = 'the source left';
const JOINED = 'joined with the words that followed';
/**
 * Turns audio inputs into commands: one ListeningSession per source, and for each utterance the
 * decision whether it is for Kiwi (wake word, follow-up window), the transcript, the speaker and
 * the command. Utterances are understood one at a time, in the order they ended.
 */
export class VoiceLoop {
  readonly #sources = new Map<string, SourceState>();
  readonly #queue = new TurnQueue(MAX_WAITING_TURNS);
  /** Turns being understood → whether their result is out yet, and what was heard so far (a turn that fails still ends, exactly once, with its words). */
  readonly #inFlight = new Map<string, { ended: boolean; joined?: boolean; heard?: Pick<TurnResult, 'wake' | 'transcript' | 'language' | 'speaker'> }>();
  private readonly host: VoiceLoopHost;

  constructor(host: VoiceLoopHost) {
    this.host = {
      ...host,
      result: (result) => {
        const flight = this.#inFlight.get(result.turn_id);
        if (flight) flight.ended = true;
        host.result(result);
      },
    };
  }

  /** The session for a source, created on first use. `awaitTurns`: see ListeningSession. */
  session(sourceId: string, options: { awaitTurns?: boolean } = {}): ListeningSession {
    return this.#source(sourceId, options).session;
  }

  endSource(sourceId: string): Promise<void> {
    const state = this.#sources.get(sourceId);
    if (!state) return Promise.resolve();
    this.#sources.delete(sourceId);
    return state.session.end().finally(() => {
      // Speech had begun (its turn started) but never became an utterance: that turn ends too.
      const turn = state.turn;
      state.turn = null;
      if (turn) this.#unheard(turn, state.cancelled ? SOURCE_LEFT : 'the input ended before the speech made an utterance');
    });
  }

  /**
   * The source left (socket closed, microphone gone): queued frames and its utterances not yet
   * understood are dropped; the end() of the session still runs to free its detectors.
   */
  cancelSource(sourceId: string): Promise<void> {
    const state = this.#sources.get(sourceId);
    if (!state) return Promise.resolve();
    state.cancelled = true;
    state.session.cancel();
    return this.endSource(sourceId);
  }

  /** The next utterance from this source (within 30 s) goes to `take`, not to the command path. */
  captureNext(sourceId: string, take: UtteranceCapture): void {
    this.#source(sourceId).capture = { take, until: this.host.clock.now() + CAPTURE_WINDOW_MS };
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
    const state: SourceState = { session: undefined as unknown as ListeningSession, capture: null, awakeFrom: 0, awakeUntil: -1, speakingFrom: null, speakingUntil: null, bargedIn: false, turn: null, provisional: null };
    const turnId = () => (state.turn ??= host.newTurn(sourceId)).id;
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
        speechStarted: (id) => host.bus.emit('SPEECH_STARTED', { source: id, turn_id: turnId() }, 'engine'),
        // A streaming recognizer already has the text; otherwise transcribe early what may be a command.
        speculate: host.stt.createStream ? undefined : (...guess) => earlyGuess(host, this.#judges, state, ...guess),
        partial: (id, text) => host.bus.emit('SPEECH_PARTIAL', { source: id, text, turn_id: turnId() }, 'engine'),
        wake: (id, detection) => this.#onWake(id, detection, turnId()),
        speaking: () => host.isSpeaking(),
        bargeIn: (id) => {
          state.bargedIn = true;
          state.awakeFrom = state.speakingFrom ?? state.session.now; // the words that barged in are for Kiwi
          state.awakeUntil = state.session.now + voice().follow_up_s * RATE;
          host.bargeIn(id);
        },
        utterance: (utterance) => {
          turnId();
          const turn = state.turn!;
          state.turn = null; // the next utterance is a turn of its own
          this.#inFlight.set(turn.id, { ended: false });
          const joins = utterance.joined ? state.provisional : null;
          state.provisional = utterance.provisional ? turn.id : null;
          if (joins) this.#join(joins);
          const run = this.#queue.enqueue(
            () => this.#understand(state, utterance, turn),
            () => this.#dropped(state, turn),
          );
          return run
            .catch((err: unknown) => {
              const error = { code: err instanceof KiwiError ? err.code : 'turn_failed', message: describeError(err) };
              host.bus.emit('ERROR', { ...error, turn_id: turn.id }, 'engine');
              // A turn that failed (its recognizer, voice or command threw) still ends, with the coded error.
              const flight = this.#inFlight.get(turn.id);
              if (flight && !flight.ended) {
                const heard = flight.heard ?? { wake: false, transcript: '', language: host.config().language, speaker: null };
                host.result({ turn_id: turn.id, ...heard, command: null, reply: null, error, timings_ms: turn.timings() });
              }
            })
            .finally(() => this.#inFlight.delete(turn.id));
        },
      },
      options,
    );
    this.#sources.set(sourceId, state);
    return state;
  }

  /** What decides whether words are for Kiwi (wake-decision.ts). */
  get #judges(): WakeJudges {
    return { detector: this.host.makeWake !== undefined, matchWake: this.host.matchWake, confirmWake: this.host.confirmWake };
  }

  #onWake(sourceId: string, detection: WakeDetection, turnId: string, confirmed = false): void {
    const config = this.host.config();
    if (isTwoStage(config, this.#judges) && !confirmed) return; // the spotter only proposes; the transcript decides
    this.host.bus.emit(
      'WAKE_WORD_DETECTED',
      { source: sourceId, wake_word: config.wake_word, keyword: detection.keyword, score: detection.score, engine: this.host.makeWake ? config.wake_word_engine : 'text', turn_id: turnId },
      'engine',
    );
  }

  /**
   * Words joined to a provisional utterance: its turn gives way. Not yet answering, it ends ignored
   * (#understand); answering, its reply is cut short (`interrupted: 'joined'`). It ends once either way.
   */
  #join(turnId: string): void {
    const flight = this.#inFlight.get(turnId);
    if (!flight || flight.ended) return;
    flight.joined = true;
    this.host.cancelTurn?.(turnId, new KiwiError('joined', 'The user went on speaking: the words are understood with what followed'));
  }

  /** A turn that ends without being understood (its source left, or newer speech pushed it out) still ends, saying why. */
  #unheard(turn: TurnRun, why: string): void {
    this.host.result({ turn_id: turn.id, wake: false, transcript: '', language: this.host.config().language, speaker: null, command: null, reply: null, ignored: why, timings_ms: turn.timings() });
  }

  #dropped(state: SourceState, turn: TurnRun): void {
    this.#unheard(turn, state.cancelled ? SOURCE_LEFT : `dropped: ${MAX_WAITING_TURNS} newer utterances were waiting (Kiwi fell behind)`);
  }

  async #understand(state: SourceState, utterance: Utterance, turn: TurnRun): Promise<void> {
    const { host } = this;
    if (state.cancelled) return this.#unheard(turn, SOURCE_LEFT);
    const joined = () => this.#inFlight.get(turn.id)?.joined === true;
    if (joined()) return this.#unheard(turn, JOINED);
    const config = host.config();
    const seconds = (utterance.end - utterance.start) / RATE;
    // Voice timings count from the arrival of the last voiced frame (what the user feels).
    turn.countFrom(this.#onClock(utterance.lastVoicedAt));
    host.bus.emit('SPEECH_ENDED', { source: utterance.sourceId, duration_ms: Math.round(seconds * 1000), turn_id: turn.id }, 'engine');
    const ignore = (why: string, extra: Partial<TurnResult> = {}) =>
      host.result({ turn_id: turn.id, wake: false, transcript: '', language: config.language, speaker: null, command: null, reply: null, ignored: why, timings_ms: turn.timings(), ...extra });

    // Speech that began while Kiwi spoke is its own voice coming back, unless the user barged in.
    if (startedWhileKiwiSpoke(state, utterance) && !state.bargedIn) return ignore('heard while Kiwi was speaking (echo), without barge-in');
    const capture = state.capture && state.capture.until >= host.clock.now() ? state.capture : null;
    state.capture = null;
    if (capture) {
      const reply = await capture.take({ samples: utterance.samples, sampleRate: RATE });
      if (reply) await host.announce(reply, turn);
      return host.result({ turn_id: turn.id, wake: false, transcript: '', language: config.language, speaker: null, command: 'capture', reply, timings_ms: turn.timings() });
    }
    const awake = inFollowUp(state, utterance.start);
    // No acoustic wake word: only the owner, hands-free, may go on, so the voice is identified first.
    const byVoiceOnly = acousticWake(config, this.#judges) && !utterance.wake && !awake;
    if (byVoiceOnly && !host.handsFree?.enabled) return ignore('no wake word');

    const audio = { samples: utterance.samples, sampleRate: RATE };
    // Stages decided while listening, on the turn's clock: the early transcript and the endpoint.
    if (utterance.early?.doneAt !== undefined) turn.endAt('speculative', this.#onClock(utterance.early.doneAt));
    turn.endAt('endpoint', this.#onClock(utterance.endpointAt));
    const identifier = host.identifier;
    // The voice is identified on the audio its transcript came from: an early transcript's (all the
    // voice, less of the quiet after it) is the audio whose print was started with it (#speculate).
    const voiceAudio = utterance.early ? { samples: utterance.early.samples, sampleRate: RATE } : audio;
    const identify = async () => (identifier ? turn.stage('speaker', () => identifier.identify(voiceAudio, undefined, turn.id)) : null);
    let handsFree: boolean | undefined;
    let voice: Awaited<ReturnType<typeof identify>> | undefined;
    if (byVoiceOnly) {
      voice = await identify();
      handsFree = this.#handsFree(state, utterance, voice);
      if (!handsFree) return ignore('no wake word');
    }
    const [heard, who] = await Promise.all([turn.stage('transcript', () => this.#transcript(utterance, audio)), voice !== undefined ? voice : identify()]);
    const base = { turn_id: turn.id, transcript: heard.text, language: heard.language, timings_ms: turn.timings() };
    if (!heard.text.trim()) return ignore('no speech recognised', base);
    if (state.cancelled) return ignore(SOURCE_LEFT, base);

    const { match, confirm, spotted, wake } = wakeInTranscript(heard.text, heard.language, Boolean(utterance.wake), config, this.#judges);
    handsFree ??= this.#handsFree(state, utterance, who);
    if (!wake && !awake && !handsFree) return ignore(confirm ? 'wake word not confirmed by the transcript' : 'no wake word', base);
    if (spotted && confirm) this.#onWake(utterance.sourceId, utterance.wake!, turn.id, true);
    else if (match.matched && !utterance.wake) this.#onWake(utterance.sourceId, { keyword: config.wake_word, score: 1, at: utterance.start }, turn.id);
    if (who === 'self' && overlapsKiwi(state, utterance) && !joinedBeforeKiwiSpoke(state, utterance)) return ignore("Kiwi's own voice", { ...base, wake });
    const known = who === 'self' ? null : who;
    const speakerView = known ? { id: known.id, name: known.name, confidence: known.confidence } : null;
    if (known?.blocked) return ignore('blocked speaker', { ...base, wake, speaker: speakerView });

    if (joined()) return ignore(JOINED, { ...base, wake, speaker: speakerView });
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
      { source: utterance.sourceId, text: command, transcript: heard.text, language: heard.language, speaker_id: known?.id ?? null, speaker_name: known?.name ?? null, turn_id: turn.id },
      'engine',
    );
    const flight = this.#inFlight.get(turn.id);
    if (flight) flight.heard = { wake, transcript: heard.text, language: heard.language, speaker: speakerView };
    const { settled } = utterance;
    // Known when the answer is back if they did not stand (not awaited: a turn cut short otherwise does not wait for the endpoint).
    const words: { stood?: boolean } = {};
    void settled?.then((stood) => (words.stood = stood));
    const answer = await host.respond(command, { sourceId: utterance.sourceId, transcript: heard.text, language: heard.language, speaker: known, turn, ...(settled ? { settled } : {}) });
    // Its words did not stand (joined to what followed, or the source left): nothing was carried out.
    if (words.stood === false) return ignore(state.cancelled ? SOURCE_LEFT : JOINED, { ...base, wake, speaker: speakerView });
    turn.end('total');
    host.result({ wake, ...base, timings_ms: turn.timings(), speaker: speakerView, ...answer });
  }

  /** Hands-free: note who spoke (any voice but the owner's closes it), then whether this one may go on without the wake word. */
  #handsFree(state: SourceState, utterance: Utterance, who: IdentifiedSpeaker | 'self' | null): boolean {
    const gate = this.host.handsFree;
    if (!gate || (who === 'self' && overlapsKiwi(state, utterance))) return false; // Kiwi's own echo is nobody
    const speaker = who === 'self' ? null : who;
    gate.heard(speaker);
    return gate.allows(speaker);
  }

  /** The utterance's text: from the streaming recognizer, the early transcript of these same samples, or transcribed now. */
  async #transcript(utterance: Utterance, audio: { samples: Float32Array; sampleRate: number }): Promise<{ text: string; language: string }> {
    const config = this.host.config();
    if (utterance.streamedText !== undefined) return { text: utterance.streamedText, language: config.language };
    const options = sttOptions(config, this.#judges, Boolean(utterance.wake));
    if (utterance.early) return utterance.early.result.catch(() => this.host.stt.transcribe(audio, options));
    return this.host.stt.transcribe(audio, options);
  }

  /** A performance.now() instant of the listening session on the turn's clock. */
  #onClock(perfMs: number): number {
    return this.host.clock.now() - (performance.now() - perfMs);
  }
}
