import fs from 'node:fs';
import { expect } from 'vitest';
import { LANGUAGES } from '../../contract/languages.ts';
import { compilePhrase } from '../../dialogue/commands/pattern.ts';
import { localeFilePath } from '../locale-file.ts';
import { placeholders } from '../replies.ts';

/**
 * Shared checks of the locale parity tests (every language's <concept>.json has what English's
 * has). Files are read as written, not through the loaders, so a failure names the key that
 * differs rather than the first schema issue.
 */
export function shippedLocales<T>(concept: string) {
  const raw = (language: string) => JSON.parse(fs.readFileSync(localeFilePath(concept, language), 'utf8')) as T;
  return { raw, en: raw('en'), others: LANGUAGES.filter((l) => l !== 'en') };
}

/** Slots used anywhere in a phrase list, e.g. enroll_owner → ['name']. */
export const slotsOf = (phrases: readonly string[], language: string) => [...new Set(phrases.flatMap((p) => compilePhrase(p, language).slots))].sort();

const keysAt = (file: object, where: string) =>
  Object.keys(where.split('.').reduce<object>((node, key) => (node as Record<string, object>)[key]!, file)).sort();

/** The file has exactly English's top-level keys, and English's keys in each group (`time.units` for a nested one). */
export function expectSameKeys(file: object, english: object, groups: readonly string[]): void {
  expect(Object.keys(file).sort()).toEqual(Object.keys(english).sort());
  for (const group of groups) expect(keysAt(file, group), group).toEqual(keysAt(english, group));
}

/** Each reply has the `{placeholders}` the English one has. */
export function expectSamePlaceholders<K extends string>(replies: Record<K, string>, english: Record<K, string>, keys: readonly K[]): void {
  for (const key of keys) expect(placeholders(replies[key]), key).toEqual(placeholders(english[key]));
}

/** The replies that are a copy of the English one (not translated), but for those `allowed` to be. */
export function copiesOfEnglish<K extends string>(replies: Record<K, string>, english: Record<K, string>, keys: readonly K[], allowed: ReadonlySet<string> = new Set()): K[] {
  return keys.filter((key) => !allowed.has(key) && replies[key] === english[key]);
}
