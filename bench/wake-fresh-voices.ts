import { KOKORO_VOICES, KokoroSpeech, type KokoroVoice } from '../main/engine/models/testing/kokoro-voices.ts';
import { ESPEAK_VOICES, NEAR_MISS_VOICES, type CommandSource } from './wake-corpus.ts';

/**
 * The wake bench's FRESH held-out voices (session 24): voices no wake rule, keyword line or
 * confirmation spelling was ever looked at or tuned on. Every voice of ESPEAK_VOICES (the former
 * tune and held-out voices alike) has been looked at by now, so from session 24 on those are all
 * tune voices, and only this set's misses are an honest estimate for voices Kiwi has never heard.
 *
 * FROZEN: written down before any result on these voices was seen. Do not add, drop or swap a
 * voice after looking at its results, and do not tune anything on them; a new fresh set needs new
 * voices (and says so in bench/results/wake.json).
 *
 * Chosen by what the voice says, not by how it scored: espeak-ng variants of the English voices
 * not used before (including the klatt synthesiser), English read by other languages' voices not
 * used before whose phonemes for "Kiwi" start with /k/ (sv reads it [ɧiːviː], not an attempt at
 * the word; el and vi switch to the English voice), and the Kokoro fixture's five neural voices.
 */
export const FRESH_VOICES = {
  native: ['en-us+m1', 'en-us+m2', 'en-us+m4', 'en-us+m5', 'en-us+m6', 'en-us+f1', 'en-us+f3', 'en-gb+f5', 'en-us+klatt', 'en-gb+klatt3'],
  accented: ['nl', 'pt', 'tr', 'cs', 'hu', 'ro', 'id'],
} as const;

// A fresh voice must be one the bench never used: not a command voice, not a voice of the speech corpus.
const used = new Set<string>([...ESPEAK_VOICES.native, ...ESPEAK_VOICES.accented, ...NEAR_MISS_VOICES]);
const reused = [...FRESH_VOICES.native, ...FRESH_VOICES.accented].filter((voice) => used.has(voice));
if (reused.length) throw new Error(`fresh held-out voices already used by the wake bench: ${reused.join(', ')}`);

/** The Kokoro-82M fixture's voices saying the commands (English through espeak-ng phonemes). */
export function kokoroCommands(modelsDir: string): CommandSource & { dispose(): void } {
  const speech = new KokoroSpeech(modelsDir);
  return {
    name: 'kokoro',
    voices: KOKORO_VOICES,
    say: (text, voice) => speech.say(text, voice as KokoroVoice, 'en'),
    dispose: () => speech.dispose(),
  };
}
