import type { Config } from '../../contract/config.ts';
import type { TranscribeOptions } from '../stages.ts';
import { wakeOpening } from '../stages/wake/confirm.ts';
import type { Verdict } from './endpointer.ts';
import { judgePhrase } from './phrase-end.ts';

export type WakeMatcher = (transcript: string, wakeWord: string, language: string) => { matched: boolean; command: string };

/** What decides whether words are for Kiwi: the wake-word matcher and, with a spotter, the confirmation. */
export interface WakeJudges {
  /** Whether an acoustic wake-word detector was built (one per input). */
  readonly detector: boolean;
  matchWake: WakeMatcher;
  /** Two-stage wake (kws with voice.wake_confirm 'transcript'): does the transcript confirm the spotted wake word? */
  confirmWake?: WakeMatcher;
}

/** Whether an acoustic engine listens for the wake word (not the transcript alone). */
export function acousticWake(config: Config, judges: WakeJudges): boolean {
  return config.wake_word_engine !== 'text' && judges.detector;
}

/** The spotter only proposes; the utterance's transcript decides (and the wake event waits for it). */
export function isTwoStage(config: Config, judges: WakeJudges): boolean {
  return config.wake_word_engine === 'kws' && config.voice.wake_confirm === 'transcript' && judges.detector && judges.confirmWake !== undefined;
}

/** When the spotter heard the wake word, the transcript may open with it (two-stage wake: wakeOpening). */
export function sttOptions(config: Config, judges: WakeJudges, spotted: boolean): TranscribeOptions {
  return { language: config.language, ...(spotted && isTwoStage(config, judges) ? { opening: wakeOpening(config.wake_word) } : {}) };
}

/**
 * The wake word in a transcript: said (the matcher), or, when the spotter heard it in a two-stage
 * wake, confirmed. `spotted` is whether the spotter's detection stands (a confirmed one, or any
 * when the spotter alone decides).
 */
export function wakeInTranscript(text: string, language: string, heardBySpotter: boolean, config: Config, judges: WakeJudges) {
  let match = judges.matchWake(text, config.wake_word, language);
  const confirm = heardBySpotter && isTwoStage(config, judges) ? judges.confirmWake!(text, config.wake_word, language) : null;
  if (confirm?.matched && !match.matched) match = confirm;
  const spotted = confirm ? confirm.matched : heardBySpotter;
  return { match, confirm, spotted, wake: spotted || match.matched };
}

/** The command in an early transcript when it looks meant for Kiwi (its wake word, a spotted one, the follow-up window). */
export function earlyCommand(text: string, language: string, config: Config, judges: WakeJudges, utterance: { spotted: boolean; awake: boolean }): string | null {
  const { match } = wakeInTranscript(text, language, utterance.spotted, config, judges);
  if (match.matched) return match.command.trim() || null;
  return utterance.spotted || utterance.awake ? text.trim() || null : null;
}

/**
 * Complete words, or a phrase still going on ("set a timer for…"). The wake word alone is left
 * to the silence limit: after a real pause it gets its cue, as it always did.
 */
export function phraseVerdict(text: string, language: string, config: Config, judges: WakeJudges): Verdict | null {
  const match = judges.matchWake(text, config.wake_word, language);
  if (match.matched && !match.command.trim()) return null;
  return judgePhrase(match.matched ? match.command : text, language);
}
