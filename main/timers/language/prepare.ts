import { asciiDigits, normalizeText, spacingOf } from '../../dialogue/commands/normalize.ts';

/**
 * Text as the time parser reads it: the command normaliser's form (main/dialogue/commands/normalize.ts)
 * with three things kept that it would lose. "7:30" and "1.5" keep their separators as private-use
 * characters (punctuation would become a space), digits of other scripts become ASCII, and in
 * languages with word spaces a digit and a letter are split apart ("7pm" → "7 pm", "7h30" → "7 h 30").
 */

/** Stands for ':' between hour and minutes. */
export const CLOCK_SEP = '\uE001';
/** Stands for '.' or ',' between digits (a decimal, or a clock time written 7.30). */
export const DECIMAL_SEP = '\uE002';

export function prepareText(text: string, language: string): string {
  let s = asciiDigits(text.normalize('NFKC'));
  s = s.replace(/(\d{1,2}):(\d{2})(?!\d)/g, `$1${CLOCK_SEP}$2`).replace(/(\d+)[.,٫](\d+)/g, `$1${DECIMAL_SEP}$2`);
  s = normalizeText(s, language);
  if (spacingOf(language) === 'words') {
    s = s.replace(/(\d)(?=\p{L})/gu, '$1 ').replace(/(\p{L})(?=\d)/gu, '$1 ');
  }
  return s;
}
