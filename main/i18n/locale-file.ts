import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { LANGUAGES, type LanguageCode } from '../contract/languages.ts';
import { KiwiError } from '../platform/errors.ts';
import { resourcesDir } from '../platform/paths.ts';
import { describeIssues } from '../platform/validate.ts';

/**
 * Kiwi's per-concept locale files, resources/locales/<lang>/<concept>.json (commands, memory,
 * security, timers, wake, llm, stt). One reader for all of them, so a broken file fails the same
 * way whichever concept it belongs to: a KiwiError whose message is `<file>: <what is wrong>`.
 */
export const localesDir = path.join(resourcesDir, 'locales');

export const localeFilePath = (concept: string, language: string, dir = localesDir) => path.join(dir, language, `${concept}.json`);

export const isLanguage = (language: string): language is LanguageCode => (LANGUAGES as readonly string[]).includes(language);

/** The language whose files to use: codes Kiwi does not speak fall back to English. */
export const localeLanguage = (language: string): LanguageCode => (isLanguage(language) ? language : 'en');

/** A problem in a locale file; the file is an install error, hence 500. */
export const localeError = (file: string, problem: string, code = 'invalid_locale') => new KiwiError(code, `${file}: ${problem}`, 500);

/** A strict object with exactly these keys, each valid for `schema` (one phrase list per command, one reply per key). */
export const everyKey = <K extends string, S extends z.ZodType>(keys: readonly K[], schema: S) =>
  z.object(Object.fromEntries(keys.map((key) => [key, schema])) as Record<K, S>).strict();

export interface LocaleFileOptions {
  /** The folder holding one sub-folder per language (tests point it at a temporary copy). */
  dir?: string;
  /** Error codes for a file that cannot be read and for one that is not valid JSON or not valid for the schema. */
  codes?: { unreadable?: string; invalid?: string };
}

function parseLocale<S extends z.ZodType>(file: string, text: string, schema: S, code: string | undefined): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw localeError(file, (err as Error).message, code);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw localeError(file, describeIssues(parsed.error), code);
  return parsed.data;
}

/** Read and validate one language's file of a concept, synchronously (small files, read once at start). */
export function loadLocaleFile<S extends z.ZodType>(concept: string, language: string, schema: S, options: LocaleFileOptions = {}): z.output<S> {
  const file = localeFilePath(concept, language, options.dir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw localeError(file, (err as Error).message, options.codes?.unreadable);
  }
  return parseLocale(file, text, schema, options.codes?.invalid);
}

/** The same, without blocking the event loop: for files first read while Kiwi is already serving. */
export async function loadLocaleFileAsync<S extends z.ZodType>(concept: string, language: string, schema: S, options: LocaleFileOptions = {}): Promise<z.output<S>> {
  const file = localeFilePath(concept, language, options.dir);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw localeError(file, (err as Error).message, options.codes?.unreadable);
  }
  return parseLocale(file, text, schema, options.codes?.invalid);
}

/**
 * What is loaded from a language's files, kept per locales folder and language; codes Kiwi does
 * not speak get English. Only successes stay: a load that throws is tried again next time, and a
 * promise that rejects is dropped (the caller still sees the error), e.g. after a file is fixed.
 */
export class LocaleCache<T> {
  readonly #values = new Map<string, T>();

  constructor(private readonly load: (language: LanguageCode, dir: string) => T) {}

  get(language: string, dir = localesDir): T {
    const code = localeLanguage(language);
    const key = `${dir}\u0000${code}`;
    let value = this.#values.get(key);
    if (value === undefined) {
      value = this.load(code, dir);
      this.#values.set(key, value);
      if (value instanceof Promise) value.catch(() => this.#values.delete(key));
    }
    return value;
  }
}
