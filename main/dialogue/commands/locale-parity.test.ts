import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contract/languages.ts';
import { copiesOfEnglish, expectSameKeys, expectSamePlaceholders, shippedLocales, slotsOf } from '../../i18n/testing/locale-parity.ts';
import { loadCommandLocale, PHRASE_KEYS, REPLY_KEYS, type CommandsFile } from './locale.ts';

const { raw, en, others } = shippedLocales<CommandsFile>('commands');

describe('commands.json parity across the 15 languages', () => {
  it.each(LANGUAGES)('%s: exists, validates and every phrase compiles', (language) => {
    const locale = loadCommandLocale(language);
    expect(Object.keys(locale.phrases)).toEqual([...PHRASE_KEYS]);
    expect(Intl.DateTimeFormat.supportedLocalesOf([locale.file.intl_locale])).toHaveLength(1);
  });

  it.each(others)('%s has exactly the keys English has, at every level', (language) => {
    expectSameKeys(raw(language), en, ['phrases', 'languages', 'souls', 'replies']);
  });

  it.each(others)('%s: every reply has the placeholders the English one has', (language) => {
    expectSamePlaceholders(raw(language).replies, en.replies, REPLY_KEYS);
  });

  it.each(others)('%s: every phrase list uses the slots the English one uses', (language) => {
    const file = raw(language);
    for (const key of PHRASE_KEYS) expect(slotsOf(file.phrases[key], language), key).toEqual(slotsOf(en.phrases[key], 'en'));
  });

  it.each(others)('%s is translated: no reply is a copy of the English one', (language) => {
    expect(copiesOfEnglish(raw(language).replies, en.replies, REPLY_KEYS)).toEqual([]);
  });

  it.each(LANGUAGES)('%s names itself among its languages, and says so when switched to', (language) => {
    const file = raw(language);
    expect(file.languages[language].length).toBeGreaterThan(0);
    for (const other of LANGUAGES.filter((l) => l !== language)) {
      expect(raw(other).replies.language_switched, `${other} vs ${language}`).not.toBe(file.replies.language_switched);
    }
  });
});
