import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contract/languages.ts';
import { loadCommandLocale, localeFile, placeholders, PHRASE_KEYS, REPLY_KEYS, type CommandsFile } from './locale.ts';
import { compilePhrase } from './pattern.ts';

const raw = (language: string) => JSON.parse(fs.readFileSync(localeFile(language), 'utf8')) as CommandsFile;
const en = raw('en');
const others = LANGUAGES.filter((l) => l !== 'en');

/** Slots used anywhere in a phrase list, e.g. enroll_owner → ['name']. */
const slotsOf = (phrases: string[], language: string) => [...new Set(phrases.flatMap((p) => compilePhrase(p, language).slots))].sort();

describe('commands.json parity across the 15 languages', () => {
  it.each(LANGUAGES)('%s: exists, validates and every phrase compiles', (language) => {
    const locale = loadCommandLocale(language);
    expect(Object.keys(locale.phrases)).toEqual([...PHRASE_KEYS]);
    expect(Intl.DateTimeFormat.supportedLocalesOf([locale.file.intl_locale])).toHaveLength(1);
  });

  it.each(others)('%s has exactly the keys English has, at every level', (language) => {
    const file = raw(language);
    expect(Object.keys(file).sort()).toEqual(Object.keys(en).sort());
    for (const group of ['phrases', 'languages', 'souls', 'replies'] as const) {
      expect(Object.keys(file[group]).sort(), group).toEqual(Object.keys(en[group]).sort());
    }
  });

  it.each(others)('%s: every reply has the placeholders the English one has', (language) => {
    const file = raw(language);
    for (const key of REPLY_KEYS) expect(placeholders(file.replies[key]), key).toEqual(placeholders(en.replies[key]));
  });

  it.each(others)('%s: every phrase list uses the slots the English one uses', (language) => {
    const file = raw(language);
    for (const key of PHRASE_KEYS) expect(slotsOf(file.phrases[key], language), key).toEqual(slotsOf(en.phrases[key], 'en'));
  });

  it.each(others)('%s is translated: no reply is a copy of the English one', (language) => {
    const file = raw(language);
    const copies = REPLY_KEYS.filter((key) => file.replies[key] === en.replies[key]);
    expect(copies).toEqual([]);
  });

  it.each(LANGUAGES)('%s names itself among its languages, and says so when switched to', (language) => {
    const file = raw(language);
    expect(file.languages[language].length).toBeGreaterThan(0);
    for (const other of LANGUAGES.filter((l) => l !== language)) {
      expect(raw(other).replies.language_switched, `${other} vs ${language}`).not.toBe(file.replies.language_switched);
    }
  });
});
