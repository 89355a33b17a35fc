import { KiwiError } from '../../../platform/errors.ts';
import { pinyinTokens } from './pinyin.ts';
import type { PieceEncoder } from './sentencepiece.ts';

/**
 * Text → the token sequences sherpa's keyword spotter matches. A KWS model is a tiny streaming
 * transducer; a keyword is written in the model's own output units, one line per keyword in
 * sherpa's keywords-file format: `TOKENS :boost #threshold @phrase`.
 *
 * Which units a model uses is read from its tokens.txt:
 * - `bpe`: sentencepiece pieces with "▁" marking a word start (the GigaSpeech zipformer, upper case),
 *   written by the model's own bpe.model through a real SentencePiece encoder;
 * - `ppinyin`: pinyin initials and toned finals ("x iǎo ài"), the WenetSpeech models;
 * - `cjkchar`: one token per Chinese character (Latin words as BPE pieces where the model has them).
 * A model that ships a lexicon (word → units) is served from it first.
 */
export type TokenKind = 'bpe' | 'ppinyin' | 'cjkchar';

export interface TokenTable {
  kind: TokenKind;
  /** Token → id as in tokens.txt. */
  ids: Map<string, number>;
  /** Whether the BPE pieces are upper case (GigaSpeech) or lower case. */
  upper: boolean;
  /** Optional lexicon: upper-cased word → units. */
  lexicon?: Map<string, string[]>;
}

const WORD_START = '▁';
const TONED = /[āáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜ]/;
const HAN = /\p{Script=Han}/u;

/** Parses tokens.txt ("symbol id" per line) and tells which kind of units it holds. */
export function parseTokens(text: string, lexiconText?: string): TokenTable {
  const ids = new Map<string, number>();
  for (const [n, line] of text.split('\n').entries()) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const cut = trimmed.lastIndexOf(' ');
    const id = Number(trimmed.slice(cut + 1));
    if (cut <= 0 || !Number.isInteger(id)) {
      throw new KiwiError('model_invalid', `tokens.txt line ${n + 1} is not "symbol id": ${trimmed.slice(0, 40)}`, 500);
    }
    ids.set(trimmed.slice(0, cut), id);
  }
  if (ids.size === 0) throw new KiwiError('model_invalid', 'tokens.txt is empty', 500);
  const symbols = [...ids.keys()];
  const pieces = symbols.filter((s) => s.includes(WORD_START));
  const kind: TokenKind = symbols.some((s) => TONED.test(s))
    ? 'ppinyin'
    : symbols.filter((s) => HAN.test(s)).length > symbols.length / 4
      ? 'cjkchar'
      : pieces.length > 0
        ? 'bpe'
        : 'cjkchar';
  const letters = pieces.join('').replace(/[^\p{L}]/gu, '');
  const upper = letters.length > 0 && letters === letters.toUpperCase();
  return { kind, ids, upper, ...(lexiconText ? { lexicon: parseLexicon(lexiconText) } : {}) };
}

/** sherpa's lexicon format: "WORD unit unit ..." per line. */
function parseLexicon(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const [word, ...units] = line.trim().split(/\s+/);
    if (word && units.length && !out.has(word.toUpperCase())) out.set(word.toUpperCase(), units);
  }
  return out;
}

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** The model tokens for a keyword; a KiwiError names what this model cannot write. */
export function keywordTokens(keyword: string, table: TokenTable, bpe?: PieceEncoder): string[] {
  const text = keyword.normalize('NFKC').trim();
  if (!text) throw new KiwiError('wake_word_invalid', 'The wake word is empty');
  const all = words(text);
  const lexicon = table.lexicon;
  if (lexicon && all.length && all.every((w) => lexicon.has(w.toUpperCase()))) {
    return checked(all.flatMap((w) => lexicon.get(w.toUpperCase())!), table, keyword);
  }
  if (table.kind === 'ppinyin') return checked(pinyinTokens(text), table, keyword);
  const out: string[] = [];
  for (const word of all) {
    const fromLexicon = table.lexicon?.get(word.toUpperCase());
    if (fromLexicon) out.push(...fromLexicon);
    else if (HAN.test(word)) out.push(...[...word].filter((c) => c.trim()));
    else out.push(...bpeWord(word, table, keyword, bpe));
  }
  return checked(out, table, keyword);
}

/** Words of a keyword: letters and digits, Han characters one by one; digits spelled out for English BPE. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[^\p{L}\p{N}'’]+/u)) {
    const word = raw.replace(/’/g, "'").replace(/^'+|'+$/g, '');
    if (!word) continue;
    // "r2d2" → "r two d two": the GigaSpeech vocabulary is words, not digits.
    for (const part of word.split(/(\d)/)) if (part) out.push(/^\d$/.test(part) ? DIGITS[Number(part)]! : part);
  }
  return out;
}

/** A word as the model's sentencepiece pieces; a BPE model without its bpe.model cannot write keywords. */
function bpeWord(word: string, table: TokenTable, keyword: string, bpe: PieceEncoder | undefined): string[] {
  if (!bpe) throw new KiwiError('model_invalid', `The keyword model has BPE tokens but no bpe.model to write "${keyword}" with`, 500);
  const pieces = bpe.encode(table.upper ? word.toUpperCase() : word.toLowerCase());
  const unknown = pieces.find((p) => !table.ids.has(p));
  if (unknown !== undefined) {
    const letter = [...unknown.replace(WORD_START, '')].find((c) => !table.ids.has(c)) ?? unknown;
    throw new KiwiError('wake_word_unsupported', `The wake word "${keyword}" cannot be written in this keyword model's tokens (no piece for "${letter}")`);
  }
  return pieces;
}

function checked(tokens: string[], table: TokenTable, keyword: string): string[] {
  const missing = tokens.filter((t) => !table.ids.has(t));
  if (missing.length) {
    throw new KiwiError('wake_word_unsupported', `The wake word "${keyword}" needs tokens this keyword model does not have: ${missing.join(' ')}`);
  }
  if (!tokens.length) throw new KiwiError('wake_word_invalid', `The wake word "${keyword}" has no letters to listen for`);
  return tokens;
}

export interface KeywordLine {
  keyword: string;
  /** How to write it when not as the keyword itself: a sound-alike spelling ("kee wee") reported as the keyword. */
  spelling?: string;
  /** Boosting score: how strongly beam search keeps paths that are on their way to the keyword. */
  boost: number;
  /** Trigger threshold: the keyword's minimum acoustic probability (0..1). */
  threshold: number;
}

/**
 * The phrase sherpa reports for a keyword: whitespace ends a field in the keywords file, and
 * sherpa reads a stream's own keywords with '/' as a line break ("hey/kiwi" reads as "hey kiwi").
 */
export const phraseOf = (keyword: string) => keyword.trim().toLowerCase().replace(/[\s/]+/g, '_');
export const keywordOfPhrase = (phrase: string) => phrase.replace(/_/g, ' ');

/** Whether this model can write `text` in its tokens. */
export function canWrite(text: string, table: TokenTable, bpe?: PieceEncoder): boolean {
  try {
    keywordTokens(text, table, bpe);
    return true;
  } catch (err) {
    if (err instanceof KiwiError) return false;
    throw err;
  }
}

/** A keywords file for sherpa: one line per keyword. */
export function keywordsFile(lines: KeywordLine[], table: TokenTable, bpe?: PieceEncoder): string {
  return lines
    .map(({ keyword, spelling, boost, threshold }) => {
      const tokens = keywordTokens(spelling ?? keyword, table, bpe);
      return `${tokens.join(' ')} :${round(boost)} #${round(threshold)} @${phraseOf(keyword)}`;
    })
    .join('\n')
    .concat('\n');
}

const round = (x: number) => Number(x.toFixed(3));
