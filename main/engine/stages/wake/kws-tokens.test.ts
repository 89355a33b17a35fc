import { describe, expect, it } from 'vitest';
import { KiwiError } from '../../../platform/errors.ts';
import { keywordTokens, keywordsFile, parseTokens } from './kws-tokens.ts';

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

  it('reads the table and tells BPE pieces in upper case', () => {
    expect(table.kind).toBe('bpe');
    expect(table.upper).toBe(true);
    expect(table.ids.get('▁KI')).toBe(9);
  });

  it('splits words into the fewest pieces, the more frequent (lower id) pieces on a tie', () => {
    expect(keywordTokens('kiwi', table)).toEqual(['▁KI', 'WI']);
    expect(keywordTokens('Kiwi!', table)).toEqual(['▁KI', 'WI']);
    // "▁HE Y" (ids 7 + 6) and "▁H EY" (40 + 41) both take two pieces.
    expect(keywordTokens('hey kiwi', table)).toEqual(['▁HE', 'Y', '▁KI', 'WI']);
    expect(keywordTokens('computer', table)).toEqual(['▁CO', 'MP', 'U', 'TER']);
  });

  it('spells digits out as words', () => {
    expect(keywordTokens('r2d2', table)).toEqual(['▁R', '▁TWO', '▁D', '▁TWO']);
  });

  it('names what the model cannot write', () => {
    expectKiwiError(() => keywordTokens('kiwé', table), 'wake_word_unsupported', /"kiwé".*"É"/);
    expectKiwiError(() => keywordTokens('  ', table), 'wake_word_invalid');
    expectKiwiError(() => keywordTokens('!!', table), 'wake_word_invalid');
  });

  it('follows the vocabulary\'s letter case', () => {
    const lower = parseTokens('<blk> 0\n▁ki 1\nwi 2\n');
    expect(lower.upper).toBe(false);
    expect(keywordTokens('KIWI', lower)).toEqual(['▁ki', 'wi']);
  });

  it('writes sherpa\'s keywords file: tokens, :boost, #threshold, @phrase without spaces', () => {
    const text = keywordsFile(
      [
        { keyword: 'kiwi', boost: 1.5, threshold: 0.25 },
        { keyword: 'Hey  Kiwi', boost: 2, threshold: 0.123456 },
      ],
      table,
    );
    expect(text).toBe('▁KI WI :1.5 #0.25 @kiwi\n▁HE Y ▁KI WI :2 #0.123 @hey_kiwi\n');
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
