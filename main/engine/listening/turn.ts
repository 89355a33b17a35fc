import type { Priority } from '../../contract/api.ts';
import type { Pcm } from '../stages.ts';

/** Who spoke, as speaker identification decided. */
export interface IdentifiedSpeaker {
  id: string;
  name: string;
  priority: Priority;
  confidence: number;
  blocked: boolean;
}

/** Speaker identification as the voice loop needs it (main/speakers/identification implements it). */
export interface SpeakerIdentifier {
  /** null: an unknown voice. `self`: Kiwi heard its own voice (echo) and the utterance is dropped. */
  identify(audio: Pcm, signal?: AbortSignal, turnId?: string): Promise<IdentifiedSpeaker | 'self' | null>;
  /** The voice of what may be a command, before its endpoint: a later identify of the same audio may use the work. */
  prepare?(audio: Pcm): void;
}

export interface TurnRequest {
  /** The command: the transcript without the wake word. */
  text: string;
  language: string;
  speaker: IdentifiedSpeaker | null;
  /** Where it came from: an audio source id, or 'text' for typed/API turns. */
  source: string;
  signal: AbortSignal;
  /** The turn this request belongs to (its LLM events carry it). */
  turn_id?: string;
  /**
   * Set for a provisional utterance (voice.provisional_end) whose command may act: resolves true
   * once the endpoint confirms the words stand, false when the user went on and they were joined
   * to what followed (the turn is cancelled then too). Nothing may act or record before it is true.
   */
  settled?: Promise<boolean>;
}

export interface TurnAnswer {
  /** What handled it: a built-in command name, 'homeassistant', 'llm', or null when nothing did. */
  command: string | null;
  /** The spoken answer as sentences, streamed as they are written; null for no answer. */
  reply: AsyncIterable<string> | Iterable<string> | null;
  /**
   * Set (at the latest before `reply` ends) when the answer failed and `reply` says so in words
   * instead (the LLM or Home Assistant could not answer): the coded error the turn ends with.
   */
  error?: TurnError;
}

/** Why a turn's answer failed, coded (`llm_unreachable`, `homeassistant_failed`, …). */
export interface TurnError {
  code: string;
  message: string;
}

/** Decides what Kiwi does with a command (built-in commands, Home Assistant, the LLM). */
export type TurnHandler = (request: TurnRequest) => Promise<TurnAnswer>;

/** The sentence a read-only command (the time, the date…) would answer with, computed without acting; null for any other request. */
export type ReplyPreview = (request: TurnRequest) => Promise<string | null>;

/** One utterance's outcome: the line `kiwi listen --json` prints, and what tests and benches read. */
export interface TurnResult {
  /** The turn's id: every event of this utterance carried it. */
  turn_id: string;
  wake: boolean;
  transcript: string;
  language: string;
  speaker: { id: string; name: string; confidence: number } | null;
  command: string | null;
  reply: string | null;
  /** Why nothing was done, when nothing was (no wake word, blocked speaker, empty transcript...). */
  ignored?: string;
  /** Why the turn was cut short (`stopped`, `superseded`, `barge_in`): its command still ran, and `reply` is what it produced. */
  interrupted?: string;
  /** The answer failed (the LLM or Home Assistant could not answer); `reply` is what Kiwi said about it. */
  error?: TurnError;
  /** Stage → ms from the end of speech (typed turns: from their start) to that stage's end (TURN_STAGES). */
  timings_ms: Record<string, number>;
}
