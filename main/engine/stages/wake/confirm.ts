import { confirmDistance } from './phonetic.ts';
import { matchWakeWord, type WakeMatch } from './text-match.ts';
import { wakeLexicon } from './wake-lexicon.ts';
import type { ExpectedOpening } from '../../stages.ts';

/** At most this far (confirmDistance) from the wake word or one of its spellings: one slip a listener forgives. */
export const CONFIRM_ALLOWED = 0.75;

/**
 * How likely (natural log) the recogniser must find the wake word as the utterance's first word
 * to write it there when the spotter heard it (-5: about 1 in 150). Whisper decodes a name it
 * does not know by its sounds ("Keyweets", "Keyway", "TV"); asked, it still finds "Kiwi" likely.
 * Chosen on the wake bench's clips (tiny.en): -4 / -5 / -6 let 206 / 224 / 232 of 252 commands
 * open with "Kiwi" and 2 / 5 / 7 of 252 near-miss sentences ("Kimi, what time is it?").
 */
export const OPENING_MIN_LOGPROB = -5;

/** The wake word as the two-stage wake expects the transcript to open with it: written as a name. */
export function wakeOpening(wakeWord: string): ExpectedOpening {
  return { text: wakeWord.trim().replace(/(^|\s)\p{L}/gu, (start) => start.toUpperCase()), minLogprob: OPENING_MIN_LOGPROB };
}

/** English letter names, written so phoneticKey reads them as said ("KV" → "kei vi" → "kivi"). */
const LETTER_NAMES: Record<string, string> = {
  A: 'ei', B: 'bi', C: 'si', D: 'di', E: 'i', F: 'ef', G: 'dzi', H: 'eich', I: 'ai', J: 'dzei', K: 'kei', L: 'el', M: 'em',
  N: 'en', O: 'ou', P: 'pi', Q: 'kju', R: 'ar', S: 'es', T: 'ti', U: 'ju', V: 'vi', W: 'dabelju', X: 'eks', Y: 'wai', Z: 'zi',
};

/**
 * Speech-to-text writes a short name it does not know as letters ("KV", "K-V" for a Polish
 * "kivi"): an opening word of two or three capitals is read out as its letter names (a greeting
 * such as "OK" stays a word).
 */
export function readInitialism(transcript: string, language: string): string {
  const greetings = new Set(wakeLexicon(language).flatMap((f) => f.prefixes.map((p) => p.toLowerCase())));
  return transcript.replace(/^(\s*)([A-Z](?:[-.]?[A-Z]){1,2})(?=[\s,.!?;:]|$)\.?/, (word: string, space: string, letters: string) =>
    greetings.has(letters.toLowerCase()) ? word : space + [...letters.replace(/[-.]/g, '')].map((l) => LETTER_NAMES[l]).join(''),
  );
}

/**
 * The two-stage wake's second stage (wake_word_engine kws, voice.wake_confirm 'transcript'): the
 * keyword spotter heard something like the wake word in this utterance; its transcript confirms
 * it when it starts (after greetings) with the wake word, one of the language's spellings of it,
 * or a near slip of the word ("Keyweek", "Giwi", "KV"), or what speech-to-text writes for it only
 * when the spotter heard it (wake.json confirm_spellings: "Can we"), and rejects the other words
 * the spotter takes for it ("Key West", "Give me the keys", "Cookie"). Tuned on bench/wake-bench.ts.
 */
export function confirmWakeWord(transcript: string, wakeWord: string, language: string): WakeMatch {
  const key = wakeWord.trim().toLowerCase();
  const spellings = wakeLexicon(language).flatMap((file) => file.confirm_spellings?.[key] ?? []);
  return matchWakeWord(readInitialism(transcript, language), wakeWord, language, {
    policy: 'start',
    tolerance: { distance: confirmDistance, allowed: CONFIRM_ALLOWED },
    spellings,
  });
}
