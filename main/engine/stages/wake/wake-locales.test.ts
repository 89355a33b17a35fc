import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../contract/languages.ts';
import { KiwiError } from '../../../platform/errors.ts';
import { matchWakeWord } from './text-match.ts';
import { loadWakeFile, wakeFilePath } from './wake-lexicon.ts';

/** A command in each language, to put after the wake word. */
const COMMAND: Record<(typeof LANGUAGES)[number], string> = {
  en: 'what time is it?',
  ru: 'который час?',
  es: '¿qué hora es?',
  pt: 'que horas são?',
  fr: 'quelle heure est-il ?',
  it: 'che ore sono?',
  de: 'wie spät ist es?',
  tr: 'saat kaç?',
  pl: 'która godzina?',
  zh: '现在几点？',
  ja: '今何時？',
  ko: '지금 몇 시야?',
  hi: 'क्या समय हुआ है?',
  ar: 'كم الساعة؟',
  id: 'jam berapa sekarang?',
};
const COMMA: Partial<Record<string, string>> = { zh: '，', ja: '、', ar: '، ' };

describe('wake.json for every language', () => {
  it.each(LANGUAGES)('%s: exists, parses and spells "kiwi"', (language) => {
    expect(fs.existsSync(wakeFilePath(language))).toBe(true);
    const file = loadWakeFile(language);
    expect(file.spellings.kiwi?.length).toBeGreaterThan(0);
    expect(file.prefixes.length).toBeGreaterThan(0);
  });

  it.each(LANGUAGES)('%s: every spelling, alone or after every greeting, is found and cut from the command', (language) => {
    const file = loadWakeFile(language);
    const comma = COMMA[language] ?? ', ';
    for (const [wake, spellings] of Object.entries(file.spellings)) {
      for (const spelling of spellings) {
        const heard = `${spelling}${comma}${COMMAND[language]}`;
        expect(matchWakeWord(heard, wake, language), heard).toMatchObject({ matched: true, command: COMMAND[language] });
        for (const prefix of file.prefixes) {
          const greeted = `${prefix} ${heard}`;
          expect(matchWakeWord(greeted, wake, language), greeted).toMatchObject({ matched: true, command: COMMAND[language] });
        }
      }
    }
  });

  it.each(LANGUAGES)('%s: the command alone has no wake word', (language) => {
    expect(matchWakeWord(COMMAND[language], 'kiwi', language).matched).toBe(false);
  });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-wake-locales-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('names the file and the problem when a wake.json is broken', () => {
    fs.mkdirSync(path.join(tmp, 'de'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'de', 'wake.json'), JSON.stringify({ prefixes: [], suffixes: [], spellings: { Kiwi: ['kiwi'] } }));
    const error = (() => {
      try {
        loadWakeFile('de', tmp);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(KiwiError);
    expect((error as KiwiError).code).toBe('invalid_locale');
    expect((error as KiwiError).message).toContain(path.join(tmp, 'de', 'wake.json'));
    expect((error as KiwiError).message).toContain('spellings.Kiwi');
    expect(() => loadWakeFile('fr', tmp)).toThrow(/fr\/wake\.json/);
  });
});
