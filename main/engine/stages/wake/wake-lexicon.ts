import { z } from 'zod';
import type { LanguageCode } from '../../../contract/languages.ts';
import { isLanguage, loadLocaleFile, LocaleCache, localeFilePath, localesDir } from '../../../i18n/locale-file.ts';

export { isLanguage };

const phrase = z.string().trim().min(1).max(48);

/** resources/locales/<lang>/wake.json: how transcripts in a language write wake words. */
export const WakeFile = z
  .object({
    /** Words said before the wake word ("hey", "эй", "ねえ"); skipped when looking for it. */
    prefixes: z.array(phrase).max(64),
    /** Particles that attach to a name being called ("키위야", "キウイさん"); stripped off. */
    suffixes: z.array(phrase).max(16),
    /**
     * Spellings by wake word (lower-case, as in config): what speech-to-text writes for it in this
     * language, beyond what the sound-alike matcher finds by itself ("奇异果" for "kiwi").
     */
    spellings: z.record(z.string().regex(/^[a-z0-9 ]+$/, 'a wake word key is lower-case Latin'), z.array(phrase).min(1).max(32)),
    /**
     * What speech-to-text writes for the wake word that is also a common phrase ("can we" for a
     * low "kiwi"): it only confirms a wake word the keyword spotter heard (two-stage wake), never
     * wakes Kiwi by itself. Kept only when bench/wake-bench.ts showed the spotter does not fire on
     * the phrase itself.
     */
    confirm_spellings: z.record(z.string().regex(/^[a-z0-9 ]+$/, 'a wake word key is lower-case Latin'), z.array(phrase).min(1).max(32)).optional(),
  })
  .strict();
export type WakeFile = z.infer<typeof WakeFile>;

export const wakeLocalesDir = localesDir;
export const wakeFilePath = (language: string, dir = wakeLocalesDir) => localeFilePath('wake', language, dir);

const cache = new LocaleCache((language, dir) => loadLocaleFile('wake', language, WakeFile, { dir }));

/** One language's wake.json, validated and cached; a broken file is a KiwiError naming the file and the problem. */
export function loadWakeFile(language: LanguageCode, dir = wakeLocalesDir): WakeFile {
  return cache.get(language, dir);
}

/**
 * What the matcher uses for a transcript's language: that language's file plus English (people
 * say "hey Kiwi" in every language, and transcripts mix scripts). A language Kiwi does not speak
 * (a recognizer may report one) gets English alone.
 */
export function wakeLexicon(language: string, dir = wakeLocalesDir): WakeFile[] {
  const base = language.toLowerCase().split(/[-_]/)[0]!;
  const own = isLanguage(base) && base !== 'en' ? [loadWakeFile(base, dir)] : [];
  return [...own, loadWakeFile('en', dir)];
}
