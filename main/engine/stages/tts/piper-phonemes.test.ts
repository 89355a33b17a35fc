import { describe, expect, it } from 'vitest';
import { KiwiError } from '../../../platform/errors.ts';
import { parsePiperTokens, piperPhonemeIds } from './piper-phonemes.ts';

// A Piper phoneme table as tokens.txt writes it (the space is a symbol of its own).
const TABLE = ['_ 0', '^ 1', '$ 2', '  3', '! 4', '. 10', '? 13', 'a 14', 'h 20', 'i 21', 'ɪ 74', 'ˈ 120', 'ə 59', 'l 24', 'o 27', 'ʊ 100', 'ʃ 96', 'p 28', 'ɛ 61', 't 32', 's 31', 'ː 122', 'v 34'].join('\n');
const tokens = parsePiperTokens(`${TABLE}\n`, 'tokens.txt');
const symbols = new Map([...tokens].map(([symbol, id]) => [id, symbol]));
const spell = (ids: number[]) => ids.map((id) => symbols.get(id)).join('');

describe('Piper phoneme ids', () => {
  it('reads tokens.txt, spaces included', () => {
    expect(tokens.get(' ')).toBe(3);
    expect(tokens.get('ˈ')).toBe(120);
  });

  it('refuses a table that is not Piper\'s', () => {
    expect(() => parsePiperTokens('a 1\nb 2\n', 'x/tokens.txt')).toThrow("x/tokens.txt has no '^' token");
    expect(() => parsePiperTokens('^ 1\n$ two\n', 'x/tokens.txt')).toThrow('bad token line "$ two"');
  });

  it('builds ^, each phoneme followed by the pad, then $ — one sequence per sentence', () => {
    const [hello, hi] = piperPhonemeIds('Hello. Hi!', 'en-us', tokens);
    // espeak-ng: "həlˈoʊ." — every phoneme this table knows, each padded
    expect(spell(hello!)).toBe('^_h_ə_l_ˈ_o_ʊ_._$');
    expect(hello!.filter((_, i) => i % 2 === 1 && i < hello!.length - 1).every((id) => id === 0)).toBe(true);
    expect(spell(hi!)).toMatch(/^\^_h_ˈ_a_ɪ_!_\$$/);
  });

  it('speaks other languages with their espeak-ng voice (German), leaving out phonemes the voice lacks', () => {
    const [german] = piperPhonemeIds('Wie spät ist es?', 'de', tokens);
    expect(spell(german!)).toBe('^_v_i_ː_ _ʃ_p_ˈ_ɛ_ː_t_ _ɪ_s_t_ _ɛ_s_?_$');
  });

  it('says nothing for text without sounds, and names a voice espeak-ng does not have', () => {
    expect(piperPhonemeIds('  ', 'en-us', tokens)).toEqual([]);
    expect(() => piperPhonemeIds('hello', 'xx-nowhere', tokens)).toThrow(KiwiError);
  });
});
