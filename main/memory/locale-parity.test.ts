import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../contract/languages.ts';
import { copiesOfEnglish, expectSameKeys, expectSamePlaceholders, shippedLocales } from '../i18n/testing/locale-parity.ts';
import { loadMemoryLocale, memoryReply, MEMORY_PHRASE_KEYS, MEMORY_REPLY_KEYS, type MemoryFile } from './locale.ts';

const { raw, en, others } = shippedLocales<MemoryFile>('memory');

describe('memory.json in the 15 languages', () => {
  it.each(LANGUAGES)('%s: exists, validates, and every phrase compiles with the slots it needs', (language) => {
    const locale = loadMemoryLocale(language);
    expect(Object.keys(locale.phrases).sort()).toEqual([...MEMORY_PHRASE_KEYS].sort());
    for (const phrase of locale.phrases.remember) expect(phrase.slots).toEqual(['fact']);
  });

  it.each(others)('%s has the replies English has, with the same placeholders, translated', (language) => {
    const file = raw(language);
    expectSameKeys(file, en, ['phrases', 'replies']);
    expectSamePlaceholders(file.replies, en.replies, MEMORY_REPLY_KEYS);
    expect(copiesOfEnglish(file.replies, en.replies, MEMORY_REPLY_KEYS)).toEqual([]);
  });

  it('fills placeholders and refuses to say a reply with a missing value', () => {
    const locale = loadMemoryLocale('en');
    expect(memoryReply(locale, 'recall', { facts: 'I like tea' })).toBe('Here\'s what you asked me to remember: I like tea.');
    expect(() => memoryReply(locale, 'recall')).toThrow(/needs a value for \{facts\}/);
  });

  describe('a broken file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-memory-locale-'));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (content: unknown) => {
      fs.mkdirSync(path.join(dir, 'en'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'en', 'memory.json'), typeof content === 'string' ? content : JSON.stringify(content));
    };

    it('is an invalid_locale error naming the file and the problem', () => {
      write('{ not json');
      expect(() => loadMemoryLocale('en', dir)).toThrow(/memory\.json/);
      write({ ...en, phrases: { ...en.phrases, remember: ['remember that'] } });
      expect(() => loadMemoryLocale('en', dir)).toThrow(/phrases\.remember 'remember that': needs \{fact\}/);
      write({ ...en, phrases: { ...en.phrases, recall: ['what about {fact}'] } });
      expect(() => loadMemoryLocale('en', dir)).toThrow(/phrases\.recall .*needs no slot/);
      write({ ...en, reminiscing: ['remember that {fact}'] });
      expect(() => loadMemoryLocale('en', dir)).toThrow(/reminiscing 'remember that \{fact\}': may not use \{fact\}/);
      write({ ...en, replies: { ...en.replies, extra: 'x' } });
      expect(() => loadMemoryLocale('en', dir)).toThrow(/extra/);
    });
  });
});
