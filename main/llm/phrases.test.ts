import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../contract/languages.ts';
import { LlmError } from './errors.ts';
import { LlmPhraseBook, LlmPhrases, phraseForError } from './phrases.ts';

describe('LLM phrases (resources/locales/<lang>/llm.json)', () => {
  const book = new LlmPhraseBook();

  it('exist for all 15 languages with the same keys, and differ from English except in English', async () => {
    const en = await book.get('en');
    for (const language of LANGUAGES) {
      const phrases = await book.get(language);
      expect(Object.keys(phrases).sort()).toEqual(Object.keys(LlmPhrases.shape).sort());
      if (language !== 'en') for (const key of Object.keys(en) as Array<keyof LlmPhrases>) expect(phrases[key], `${language}.${key}`).not.toBe(en[key]);
    }
  });

  it('pick the sentence for each error code, and "interrupted" once part of the answer was spoken', async () => {
    const en = await book.get('en');
    expect(phraseForError(en, new LlmError('llm_unreachable', 'x'), false)).toBe(en.unreachable);
    expect(phraseForError(en, new LlmError('llm_unauthorized', 'x'), false)).toBe(en.unauthorized);
    expect(phraseForError(en, new LlmError('llm_timeout', 'x'), false)).toBe(en.timeout);
    expect(phraseForError(en, new LlmError('llm_bad_response', 'x'), false)).toBe(en.bad_response);
    expect(phraseForError(en, new Error('anything else'), false)).toBe(en.bad_response);
    expect(phraseForError(en, new LlmError('llm_timeout', 'x'), true)).toBe(en.interrupted);
  });

  it('an unknown language falls back to English; a broken file is an error naming it', async () => {
    expect(await book.get('xx')).toEqual(await book.get('en'));
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-phrases-'));
    await fs.mkdir(path.join(dir, 'en'));
    await fs.writeFile(path.join(dir, 'en', 'llm.json'), JSON.stringify({ unreachable: 'x' }));
    await expect(new LlmPhraseBook(dir).get('en')).rejects.toThrow(/llm\.json.*unauthorized/s);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
