import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contract/languages.ts';
import { copiesOfEnglish, expectSameKeys, expectSamePlaceholders, shippedLocales, slotsOf } from '../../i18n/testing/locale-parity.ts';
import { PHRASES } from '../testing/phrase-table.ts';
import { TimersGrammar } from './grammar.ts';
import { INTENTS, REPLY_KEYS, type TimersFile } from './locale.ts';

const { raw, en, others } = shippedLocales<TimersFile>('timers');
const TIME_GROUPS = ['units', 'periods', 'days', 'weekdays', 'weekdays_recurring', 'recurring'].map((group) => `time.${group}`);

describe('timers.json parity across the 15 languages', () => {
  it.each(LANGUAGES)('%s: exists, validates, and every phrase and clock idiom compiles', (language) => {
    const grammar = new TimersGrammar(language);
    expect(Object.keys(grammar.file.phrases)).toEqual([...INTENTS]);
    expect(grammar.idioms.length).toBeGreaterThan(0);
  });

  it.each(others)('%s has exactly the keys English has, at every level', (language) => {
    expectSameKeys(raw(language), en, ['phrases', 'kinds', 'time', 'replies', ...TIME_GROUPS]);
  });

  it.each(others)('%s: every phrase list uses the slots the English one uses', (language) => {
    const file = raw(language);
    for (const intent of INTENTS) expect(slotsOf(file.phrases[intent], language), intent).toEqual(slotsOf(en.phrases[intent], 'en'));
  });

  it.each(others)('%s: every reply has the placeholders the English one has, and is translated', (language) => {
    const file = raw(language);
    expectSamePlaceholders(file.replies, en.replies, REPLY_KEYS);
    expect(copiesOfEnglish(file.replies, en.replies, REPLY_KEYS)).toEqual([]);
  });

  it.each(LANGUAGES)('%s names every unit, weekday and recurring set, and has tested phrases for the everyday commands', (language) => {
    const file = raw(language);
    for (const unit of ['second', 'minute', 'hour'] as const) expect(file.time.units[unit].length, unit).toBeGreaterThan(0);
    for (const [day, forms] of Object.entries(file.time.weekdays)) expect(forms.length, day).toBeGreaterThan(0);
    for (const [set, forms] of Object.entries(file.time.recurring)) expect(forms.length, set).toBeGreaterThan(0);
    expect(file.time.days.tomorrow.length).toBeGreaterThan(0);
    // The phrase table (phrases.test.ts) checks each language on the commands.
    const kinds = new Set(PHRASES[language]!.map(([, expected]) => expected.split(' ')[0]));
    for (const kind of ['timer', 'alarm', 'reminder', 'time_left', 'cancel', 'snooze', 'stop']) expect(kinds.has(kind), kind).toBe(true);
  });
});
