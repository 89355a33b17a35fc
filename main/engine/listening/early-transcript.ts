import { SAMPLE_RATE } from '../../contract/audio.ts';
import type { UtteranceSpan, Verdict } from './endpointer.ts';

const RATE = SAMPLE_RATE;

/** A transcript the session asked for after a short silence, before the endpoint. */
export interface EarlyTranscript {
  result: Promise<{ text: string; language: string }>;
  /** The audio it transcribes: all of the utterance's voice (else it is not used), and less of the quiet after it. */
  samples: Float32Array;
  /** performance.now() when it was ready (undefined while running). */
  doneAt?: number;
}

/** Early transcription (voice loop): the text of samples, and what it says about the phrase. */
export type Speculate = (
  samples: Float32Array,
  utterance: { start: number; wake: boolean },
  signal: AbortSignal,
) => Promise<EarlyHeard> | null;

/**
 * What an early transcript heard. `sayOnly`, set only with voice.provisional_end when the words
 * name a complete command for Kiwi: whether it only says something (a built-in's preview had its reply).
 */
export interface EarlyHeard {
  text: string;
  language: string;
  verdict: Verdict | null;
  sayOnly?: boolean;
}

/** An early transcript under way: the speech it covers, the samples it heard, what it said. */
export interface EarlyGuess extends UtteranceSpan {
  /** First sample it heard (the pre-roll before `start`). */
  from: number;
  /** Newest sample when it was asked for: speech the VAD ends later than this, it did not hear. */
  heardTo: number;
  /** Asked while the VAD still heard speech, once the voice had stopped: new voiced sound makes it stale. */
  byVoice: boolean;
  verdict: Verdict | null;
  /** Set with the verdict when the words name a command for Kiwi (voice.provisional_end): whether it only says something. */
  sayOnly?: boolean;
  controller: AbortController;
  transcript: EarlyTranscript;
}

/** What the session knows now: the newest sample, the VAD's view, the last voiced sound. */
export interface Listening {
  now: number;
  speaking: boolean;
  /** The utterance the endpointer holds open (VAD stretches closed, end not decided). */
  open: Readonly<UtteranceSpan> | null;
  /** When the VAD's current stretch began hearing speech (null before any). */
  speakingSince: number | null;
  /** One past the last voiced sample (VoicedEnd). */
  voicedEnd: number;
  /** Silence that would end the open utterance. */
  silenceLimit(open: Readonly<UtteranceSpan>): number;
  /** voice.speculate_on_voice: guess while the VAD still hangs on, once the voice is quiet. */
  onVoice: boolean;
}

/** Silero is sure of speech this long after its stretch begins (168–199 ms measured): a guess starts where the VAD's stretch will, so it hears what the final cut would. */
const ONSET_LAG = 0.19 * RATE;
/** Where the VAD will end the speech after the last voiced sound (56–108 ms measured). */
const VOICE_TAIL = 0.1 * RATE;

/**
 * The speech an early transcript would cover once `silenceMs` has passed without voice: the open
 * utterance once the VAD closed its stretch, or, while the VAD still hangs on to the stretch,
 * everything up to the last voiced sound (and the VAD's usual tail). Null: nothing to guess yet.
 */
export function speechSoFar(l: Listening, silenceMs: number): UtteranceSpan | null {
  const wait = (silenceMs * RATE) / 1000;
  if (!l.speaking) return l.open && l.now - l.open.end >= wait ? { start: l.open.start, end: l.open.end } : null;
  const since = l.speakingSince;
  if (!l.onVoice || since === null || l.voicedEnd <= since || l.now - l.voicedEnd < wait) return null;
  const onset = Math.max(0, since - ONSET_LAG);
  const joinsOpen = l.open !== null && onset - l.open.end <= l.silenceLimit(l.open);
  return { start: joinsOpen ? l.open!.start : Math.max(onset, l.open?.end ?? 0), end: Math.min(l.now, l.voicedEnd + VOICE_TAIL) };
}

/** Speech came after what the guess heard (or the VAD closed a stretch it does not cover): it is thrown away. */
export function isStale(early: EarlyGuess, l: Listening): boolean {
  if (early.byVoice) return l.voicedEnd > early.end || (!l.speaking && l.open !== null && !covers(early, l.open, l.voicedEnd));
  return l.speaking || l.open?.end !== early.end;
}

/**
 * The guess heard all of this speech and nothing after it: the VAD's end came before the guess's
 * newest sample, or (a guess on the voice) no voice came after it, however long the VAD hung on.
 * The VAD may end a stretch up to ~100 ms before the guess's tail.
 */
export function covers(early: EarlyGuess, span: UtteranceSpan, voicedEnd: number): boolean {
  const heardAll = span.end <= early.heardTo || (early.byVoice && voicedEnd <= early.end);
  return early.from <= span.start && early.end <= span.end + RATE / 10 && heardAll && !early.controller.signal.aborted;
}
