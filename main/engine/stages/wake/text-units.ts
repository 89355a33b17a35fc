/**
 * A transcript cut into units for wake-word matching: words where the script separates them
 * with spaces, single characters where it does not (Chinese, Japanese). Each unit keeps its
 * place in the original text, so what follows the wake word can be cut out verbatim.
 */
export interface Unit {
  text: string;
  start: number;
  end: number;
  script: Script;
  /** Punctuation (not just a space or hyphen) separates this unit from the one before. */
  breakBefore: boolean;
}

export type Script = 'han' | 'kana' | 'other';

const WORD = /[\p{L}\p{M}\p{N}'’]+/gu;
const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}ー]/u;
/** What may sit between two parts of one spoken name ("kee-wee", "key we"). */
const SOFT_GAP = /^[\s\-‐]*$/u;

export const scriptOf = (char: string): Script => (HAN.test(char) ? 'han' : KANA.test(char) ? 'kana' : 'other');

export function units(text: string): Unit[] {
  const out: Unit[] = [];
  let lastEnd = 0;
  for (const match of text.matchAll(WORD)) {
    const word = match[0].replace(/^['’]+|['’]+$/g, '');
    if (!word) continue;
    const wordStart = match.index! + match[0].indexOf(word);
    let breakBefore = out.length > 0 && !SOFT_GAP.test(text.slice(lastEnd, wordStart));
    // Split runs of Han and kana into characters; keep other runs (Latin, Hangul, ...) whole.
    let run = '';
    let runStart = wordStart;
    const flush = (at: number) => {
      if (run) out.push({ text: run, start: runStart, end: at, script: 'other', breakBefore });
      if (run) breakBefore = false;
      run = '';
    };
    let offset = wordStart;
    for (const char of word) {
      const script = scriptOf(char);
      if (script === 'other') {
        if (!run) runStart = offset;
        run += char;
      } else {
        flush(offset);
        out.push({ text: char, start: offset, end: offset + char.length, script, breakBefore });
        breakBefore = false;
      }
      offset += char.length;
    }
    flush(offset);
    lastEnd = offset;
  }
  return out;
}

/** Lower case, compatibility forms folded: how prefixes are compared. */
export const fold = (text: string) => text.normalize('NFKC').toLowerCase().replace(/’/g, "'");

/** Separators a command does not start or end with after the wake word is cut out. */
export const LEADING_SEPARATORS = /^[\s,.!?;:、。，！？；：…\-—–،؛؟।]+/u;
/** Separators inside a sentence (not its final mark). */
export const SOFT_SEPARATORS = /^[\s,;:、，；：…\-—–،؛]+/u;
export const TRAILING_SEPARATORS = /[\s,;:、，；：…\-—–،؛]+$/u;
