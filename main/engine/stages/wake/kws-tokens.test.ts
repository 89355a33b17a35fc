import { describe, expect, it } from 'vitest';
import { KiwiError } from '../../../platform/errors.ts';
import { canWrite, keywordTokens, keywordsFile, parseTokens } from './kws-tokens.ts';

/** A few pieces in the shape of the GigaSpeech KWS model's tokens.txt (sentencepiece, upper case). */
const GIGASPEECH_LIKE = [
  '<blk> 0',
  '<sos/eos> 1',
  '<unk> 2',
  'S 3',
  '▁THE 4',
  'I 5',
  'Y 6',
  '▁HE 7',
  'WI 8',
  '▁KI 9',
  '▁K 10',
  'W 11',
  '▁H 40',
  'EY 41',
  '▁R 12',
  '▁D 13',
  '▁TWO 14',
  'O 15',
  'MP 16',
  '▁CO 17',
  'U 18',
  'TER 19',
  '▁C 20',
  'M 21',
  'P 22',
  'T 23',
  'E 24',
  'R 25',
  "' 26",
].join('\n');

const expectKiwiError = (fn: () => unknown, code: string, text?: RegExp) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KiwiError);
    expect((err as KiwiError).code).toBe(code);
    if (text) expect((err as KiwiError).message).toMatch(text);
    return;
  }
  throw new Error(`expected a KiwiError ${code}`);
};

describe('keyword → BPE pieces (GigaSpeech-style tokens.txt)', () => {
  const table = parseTokens(GIGASPEECH_LIKE);
  // The real pieces come from the model's bpe.model (kws-tokens.models.test.ts); here a fixed
  // encoder stands in for it to show what Kiwi does around the pieces it returns.
  const pieces: Record<string, string[]> = { KIWI: ['▁K', 'I', 'W', 'I'], HEY: ['▁HE', 'Y'], KIWÉ: ['▁K', 'I', 'W', 'É'], KI: ['▁KI'], WI: ['▁', 'WI'] };
  const bpe = { encode: (word: string) => pieces[word] ?? [] };

  it('reads the table and tells BPE pieces in upper case', () => {
    expect(table.kind).toBe('bpe');
    expect(table.upper).toBe(true);
    expect(table.ids.get('▁KI')).toBe(9);
  });

  it('writes each word with the model\'s sentencepiece pieces, in the vocabulary\'s letter case', () => {
    expect(keywordTokens('kiwi', table, bpe)).toEqual(['▁K', 'I', 'W', 'I']);
    expect(keywordTokens('Hey, Kiwi!', table, bpe)).toEqual(['▁HE', 'Y', '▁K', 'I', 'W', 'I']);
  });

  it('names what the model cannot write', () => {
    expectKiwiError(() => keywordTokens('kiwé', table, bpe), 'wake_word_unsupported', /"kiwé".*"É"/);
    expectKiwiError(() => keywordTokens('ki wi', table, bpe), 'wake_word_unsupported', /"ki wi".*"▁"/);
    expectKiwiError(() => keywordTokens('  ', table, bpe), 'wake_word_invalid');
    expectKiwiError(() => keywordTokens('!!', table, bpe), 'wake_word_invalid');
  });

  it('tells whether it can write a spelling (a sound-alike it cannot is left out of the spotter)', () => {
    expect(canWrite('hey kiwi', table, bpe)).toBe(true);
    expect(canWrite('kiwé', table, bpe)).toBe(false);
    expect(canWrite('kiwi', table)).toBe(false); // no bpe.model
  });

  it('refuses a BPE model that came without its bpe.model', () => {
    expectKiwiError(() => keywordTokens('kiwi', table), 'model_invalid', /bpe\.model/);
  });

  it('writes sherpa\'s keywords file: tokens, :boost, #threshold, @phrase without spaces; a sound-alike under the keyword\'s phrase', () => {
    const text = keywordsFile(
      [
        { keyword: 'kiwi', boost: 1.5, threshold: 0.25 },
        { keyword: 'Hey  Kiwi', boost: 2, threshold: 0.123456 },
        { keyword: 'kiwi', spelling: 'ki', boost: 4, threshold: 0.02 },
      ],
      table,
      bpe,
    );
    expect(text).toBe('▁K I W I :1.5 #0.25 @kiwi\n▁HE Y ▁K I W I :2 #0.123 @hey_kiwi\n▁KI :4 #0.02 @kiwi\n');
  });

  it("writes no '/' (a stream's own keywords break lines there): \"hey/kiwi\" is the phrase hey_kiwi", () => {
    expect(keywordsFile([{ keyword: 'Hey/Kiwi', boost: 1, threshold: 0.25 }], table, bpe)).toBe('▁HE Y ▁K I W I :1 #0.25 @hey_kiwi\n');
  });

  it('rejects a tokens.txt that is not "symbol id" lines', () => {
    expectKiwiError(() => parseTokens('▁KI\n'), 'model_invalid', /line 1/);
    expectKiwiError(() => parseTokens('\n\n'), 'model_invalid', /empty/);
  });
});

describe('keyword → other unit sets', () => {
  it('ppinyin: initials and toned finals, from tone numbers or tone marks', () => {
    const table = parseTokens(['<blk> 0', 'x 1', 'iǎo 2', 'ài 3', 't 4', 'óng 5', 'ué 6', 'l 7', 'ǚ 8', 'n 9', 'ǐ 10', 'h 11', 'ǎo 12'].join('\n'));
    expect(table.kind).toBe('ppinyin');
    expect(keywordTokens('xiao3 ai4 tong2 xue2', table)).toEqual(['x', 'iǎo', 'ài', 't', 'óng', 'x', 'ué']);
    expect(keywordTokens('xiǎo ài tóng xué', table)).toEqual(['x', 'iǎo', 'ài', 't', 'óng', 'x', 'ué']);
    expect(keywordTokens("ni3hao3", table)).toEqual(['n', 'ǐ', 'h', 'ǎo']);
    expect(keywordTokens('lv3', table)).toEqual(['l', 'ǚ']);
    expectKiwiError(() => keywordTokens('小爱同学', table), 'wake_word_unsupported', /pinyin/);
    expectKiwiError(() => keywordTokens('xiao3 ai3', table), 'wake_word_unsupported', /ǎi/);
  });

  it('cjkchar: one token per character', () => {
    const table = parseTokens(['<blk> 0', '小 1', '爱 2', '同 3', '学 4', '你 5'].join('\n'));
    expect(table.kind).toBe('cjkchar');
    expect(keywordTokens('小爱同学', table)).toEqual(['小', '爱', '同', '学']);
    expectKiwiError(() => keywordTokens('小猫', table), 'wake_word_unsupported', /猫/);
  });

  it('a lexicon that ships with a model comes first', () => {
    const table = parseTokens(['<blk> 0', 'K 1', 'IY1 2', 'W 3', 'IY0 4'].join('\n'), 'kiwi K IY1 W IY0\n');
    expect(keywordTokens('Kiwi', table)).toEqual(['K', 'IY1', 'W', 'IY0']);
  });
});
