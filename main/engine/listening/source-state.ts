import { SAMPLE_RATE } from '../../contract/audio.ts';
import type { TurnRun } from '../turns/turn-run.ts';
import type { ListeningSession } from './listening-session.ts';
import type { Utterance } from './utterance.ts';

/** Takes a whole utterance instead of treating it as a command (e.g. "this is my friend Anna" → Anna's voice). */
export type UtteranceCapture = (audio: { samples: Float32Array; sampleRate: number }) => Promise<string | null>;

/** What the voice loop keeps per audio input. */
export interface SourceState {
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
  /** The turn of the utterance under way (from its first sign: speech, wake word or partial). */
  turn: TurnRun | null;
  /** The turn of the last utterance, if it ended provisionally (voice.provisional_end): words joined to it cancel it. */
  provisional: string | null;
  /** The source left: its pending utterances are not understood any more. */
  cancelled?: boolean;
}

/** How long after Kiwi's playback its voice can still reach the microphone (room echo, output latency). */
const ECHO_TAIL = 0.7 * SAMPLE_RATE;

/**
 * Whether an utterance overlaps Kiwi's playback or its echo tail: only then may it be Kiwi's own
 * voice. A voice print that merely resembles Kiwi's (synthetic voices sound alike to the speaker
 * model) must not silence a user who speaks after Kiwi has finished.
 */
export function overlapsKiwi(state: Pick<SourceState, 'speakingFrom' | 'speakingUntil'>, utterance: Pick<Utterance, 'start' | 'end'>): boolean {
  if (state.speakingFrom === null || utterance.end <= state.speakingFrom) return false;
  return state.speakingUntil === null || utterance.start < state.speakingUntil + ECHO_TAIL;
}

/**
 * Words joined to a provisional utterance that began before Kiwi's playback (its provisional reply):
 * the user's, whatever the voice print says. Joined echo in a reply's tail began after it: still echo.
 */
export function joinedBeforeKiwiSpoke(state: Pick<SourceState, 'speakingFrom'>, utterance: Pick<Utterance, 'start' | 'joined'>): boolean {
  return utterance.joined === true && state.speakingFrom !== null && utterance.start < state.speakingFrom;
}

/** Whether speech began while Kiwi spoke (its own voice coming back, unless the user barged in). */
export function startedWhileKiwiSpoke(state: Pick<SourceState, 'speakingFrom' | 'speakingUntil'>, utterance: Pick<Utterance, 'start'>): boolean {
  return state.speakingFrom !== null && utterance.start >= state.speakingFrom && (state.speakingUntil === null || utterance.start < state.speakingUntil);
}

/** Speech starting at `start` (session samples) falls in the follow-up window. */
export function inFollowUp(state: Pick<SourceState, 'awakeFrom' | 'awakeUntil'>, start: number): boolean {
  return start >= state.awakeFrom && start <= state.awakeUntil;
}
