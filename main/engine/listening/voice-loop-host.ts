import type { Config } from '../../contract/config.ts';
import type { KiwiError } from '../../platform/errors.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AudioHub } from '../audio/audio-hub.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Stt, Vad, WakeWord } from '../stages.ts';
import type { TurnRun } from '../turns/turn-run.ts';
import type { HandsFreeGate } from './hands-free.ts';
import type { IdentifiedSpeaker, SpeakerIdentifier, TurnResult } from './turn.ts';
import type { WakeMatcher } from './wake-decision.ts';

/** What the voice loop needs from the engine around it. */
export interface VoiceLoopHost {
  config(): Config;
  bus: EventBus;
  hub: AudioHub;
  clock: Pick<Clock, 'now'>;
  /** A new turn (run) for an utterance from this source. */
  newTurn(sourceId: string): TurnRun;
  stt: Stt;
  makeVad(threshold: number): Vad;
  /** A wake-word detector for one more input (streams keep state), if an acoustic engine is on. */
  makeWake?: () => WakeWord;
  identifier?: SpeakerIdentifier;
  /** Owner hands-free (voice.owner_hands_free): the owner's voice needs no wake word while it is active. */
  handsFree?: HandsFreeGate;
  matchWake: WakeMatcher;
  /** Two-stage wake (kws with voice.wake_confirm 'transcript'): does the transcript confirm the spotted wake word? */
  confirmWake?: WakeMatcher;
  isSpeaking(): boolean;
  /** The user spoke over Kiwi: stop the answer. */
  bargeIn(sourceId: string): void;
  /** Cut turn `turnId`'s answer short with `reason` (its reply stops, or is never spoken), if it is the one running. */
  cancelTurn?(turnId: string, reason: KiwiError): void;
  /** Hand a recognised command on; resolves when the reply has been spoken. */
  respond(command: string, heard: Heard): Promise<Pick<TurnResult, 'command' | 'reply' | 'interrupted'>>;
  /**
   * An early transcript with complete words named this command: its reply may be made ready before
   * the turn asks. Resolves whether the command only says something (nothing is carried out).
   */
  prepareReply?(command: string, sourceId: string, language: string): Promise<boolean> | void;
  /** A bare wake word: Kiwi shows it is listening (cue). */
  acknowledgeWake(sourceId: string): void;
  /** Say something outside a command (the outcome of a captured utterance). */
  announce(text: string, turn: TurnRun): Promise<void>;
  result(result: TurnResult): void;
}

export interface Heard {
  sourceId: string;
  transcript: string;
  language: string;
  speaker: IdentifiedSpeaker | null;
  turn: TurnRun;
  /** A provisional utterance whose command may act: whether its words stand (TurnRequest.settled). */
  settled?: Promise<boolean>;
}
