import { ESPEAK_VOICES, NEAR_MISS_VOICES } from './wake-corpus.ts';
import { FRESH_VOICES } from './wake-fresh-voices.ts';

/**
 * The wake bench's SECOND fresh held-out set (session 25). By session 25 the first fresh set
 * (wake-fresh-voices.ts) had been looked at too, so it is a tune set now, like ESPEAK_VOICES;
 * the wake rules of session 25 were chosen on those voices only, and this set is run once, after
 * the rules were fixed (`bench/wake-two-stage.ts fresh2`, `bench/wake-bench.ts fresh2`).
 *
 * FROZEN: written down before any result on these voices was seen. Do not add, drop or swap a
 * voice after looking at its results, and do not tune anything on them; a new held-out set needs
 * new voices (and says so in bench/results/wake.json).
 *
 * Chosen by what the voice says, not by how it scored: espeak-ng variants not used before on the
 * English voices (named variants, klatt2/klatt4, male8, and variants on the Scottish and Caribbean
 * voices), and English read by the voices of languages not used before whose "Kiwi" starts with
 * /k/ and that do not switch to the English voice (espeak-ng --ipa: sv reads [ɕiːviː], nb [xiːviː],
 * el/bg/uk/vi switch to English): da, fi, hr, sk, ms, ca, sw from the brief's list, and sl, lt,
 * lv, et.
 */
export const FRESH_VOICES_2 = {
  native: ['en-us+Michael', 'en-us+Linda', 'en-gb+Steph', 'en-us+Andy', 'en-gb+Edward', 'en-us+klatt2', 'en-gb+klatt4', 'en-us+m8', 'en-gb-scotland+f1', 'en-029+m2'],
  accented: ['da', 'fi', 'hr', 'sk', 'ms', 'ca', 'sw', 'sl', 'lt', 'lv', 'et'],
} as const;

// A fresh voice must be one the bench never used: not a command voice of the tune or first fresh set, not a speech-corpus voice.
const used = new Set<string>([...ESPEAK_VOICES.native, ...ESPEAK_VOICES.accented, ...NEAR_MISS_VOICES, ...FRESH_VOICES.native, ...FRESH_VOICES.accented]);
const reused = [...FRESH_VOICES_2.native, ...FRESH_VOICES_2.accented].filter((voice) => used.has(voice));
if (reused.length) throw new Error(`second fresh held-out voices already used by the wake bench: ${reused.join(', ')}`);
