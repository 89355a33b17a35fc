import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LANGUAGES, type LanguageCode } from '../../../contract/languages.ts';
import { KiwiError } from '../../../platform/errors.ts';
import { resourcesDir } from '../../../platform/paths.ts';
import { describeIssues } from '../../../platform/validate.ts';

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
  })
  .strict();
export type WakeFile = z.infer<typeof WakeFile>;

export const wakeLocalesDir = path.join(resourcesDir, 'locales');
export const wakeFilePath = (language: string, dir = wakeLocalesDir) => path.join(dir, language, 'wake.json');

const cache = new Map<string, WakeFile>();

/** One language's wake.json, validated; a broken file is a KiwiError naming the file and the problem. */
export function loadWakeFile(language: LanguageCode, dir = wakeLocalesDir): WakeFile {
  const file = wakeFilePath(language, dir);
  const cached = cache.get(file);
  if (cached) return cached;
  const fail = (problem: string) => new KiwiError('invalid_locale', `${file}: ${problem}`, 500);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw fail((err as Error).message);
  }
  const parsed = WakeFile.safeParse(raw);
  if (!parsed.success) throw fail(describeIssues(parsed.error));
  cache.set(file, parsed.data);
  return parsed.data;
}

export const isLanguage = (language: string): language is LanguageCode => (LANGUAGES as readonly string[]).includes(language);

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
