import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contract/languages.ts';
import { CommandMatcher, type CommandName } from './matcher.ts';
import { NOT_COMMANDS, PHRASE_CASES } from './testing/phrase-cases.ts';

const matcher = new CommandMatcher();
const COMMANDS: CommandName[] = [
  'stop', 'reset_context', 'time', 'date', 'who_is_speaking', 'list_voices', 'list_souls', 'enroll_owner', 'enroll_friend',
  'enroll_guest', 'block_voice', 'unblock_voice', 'forget_voice', 'switch_language', 'switch_soul',
];
const THOROUGH = new Set(['en', 'ru', 'es', 'de', 'fr', 'zh', 'ja']);

describe.each(LANGUAGES)('commands in %s', (language) => {
  const cases = PHRASE_CASES[language];

  it.each(cases)('%s → %s', (text, command, args) => {
    const match = matcher.match(text, language);
    expect(match, `no command in '${text}'`).not.toBeNull();
    expect(match!.name).toBe(command);
    expect(match!.args).toEqual(args ?? {});
  });

  it.each(NOT_COMMANDS[language])('"%s" is not a built-in command', (text) => {
    expect(matcher.match(text, language)).toBeNull();
  });

  it(`covers every command (${THOROUGH.has(language) ? 3 : 1}+ phrasings each)`, () => {
    const needed = THOROUGH.has(language) ? 3 : 1;
    for (const command of COMMANDS) {
      const count = cases.filter(([, name]) => name === command).length;
      expect(count, `${language}: ${command}`).toBeGreaterThanOrEqual(needed);
    }
  });
});

describe('matching rules', () => {
  it('needs the whole utterance: a command word inside a sentence is not the command', () => {
    expect(matcher.match('please stop', 'en')?.name).toBe('stop');
    expect(matcher.match('stop the timer in the kitchen', 'en')).toBeNull();
  });

  it('resolves soul slots against the souls that exist, by id, name or a localised alias', () => {
    const souls = [
      { id: 'default', name: 'Default' },
      { id: 'pirate', name: 'Captain Pirate' },
    ];
    expect(matcher.match('switch to captain pirate mode', 'en', { souls })?.args).toEqual({ soul: 'pirate' });
    expect(matcher.match('be a pirate', 'en', { souls })?.args).toEqual({ soul: 'pirate' });
    // comedian is not among the souls given: no match, the router gets it
    expect(matcher.match('be a comedian', 'en', { souls })).toBeNull();
    expect(matcher.match('включи режим Pirate', 'ru', { souls })?.args).toEqual({ soul: 'pirate' });
  });

  it('tolerates a small slip in a name (STT spelling) but not a different word', () => {
    expect(matcher.match('be a comedien', 'en')?.args).toEqual({ soul: 'comedian' });
    expect(matcher.match('speak in germn', 'en')?.args).toEqual({ language: 'de' });
    expect(matcher.match('speak klingon', 'en')).toBeNull();
  });

  it('prefers a language over a soul for "switch to X"', () => {
    expect(matcher.match('switch to Italian', 'en')).toMatchObject({ name: 'switch_language', args: { language: 'it' } });
    expect(matcher.match('switch to storyteller', 'en')).toMatchObject({ name: 'switch_soul', args: { soul: 'storyteller' } });
  });

  it('keeps friend names readable: title case in cased scripts, at most three words', () => {
    expect(matcher.match('this is my friend anna maria', 'en')?.args).toEqual({ name: 'Anna Maria' });
    expect(matcher.match('this is my friend anna maria lisa kate', 'en')).toBeNull();
    expect(matcher.match('bu arkadaşım irmak', 'tr')?.args).toEqual({ name: 'İrmak' });
  });

  it('falls back to English for a language Kiwi does not speak', () => {
    expect(matcher.match('what time is it', 'xx')?.name).toBe('time');
  });

  it('accepts Turkish with a dotless I written by STT, and Arabic with or without hamza and harakat', () => {
    expect(matcher.match('Ingilizce konuş', 'tr')?.args).toEqual({ language: 'en' });
    expect(matcher.match('تكلم بالانجليزية', 'ar')?.args).toEqual({ language: 'en' });
    expect(matcher.match('تَوَقَّفْ', 'ar')?.name).toBe('stop');
  });
});
