/**
 * Text normalisation shared by command phrases and transcripts, so both sides compare the same way:
 * case, punctuation, Latin/Cyrillic accents, Arabic letter variants and spacing are smoothed out.
 */

/** Scripts written without spaces between words (or, for Korean, with spaces STT places unreliably). */
const WITHOUT_SPACES = new Set(['zh', 'ja', 'ko']);

export type Spacing = 'words' | 'none';

export function spacingOf(language: string): Spacing {
  return WITHOUT_SPACES.has(language) ? 'none' : 'words';
}

const DIGIT_BLOCKS = [0x0660, 0x06f0, 0x0966, 0x09e6]; // Arabic-Indic, Eastern Arabic-Indic, Devanagari, Bengali

/** Digits of other scripts as ASCII digits ("٢" and "२" → "2"): STT writes either. */
export function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\u09e6-\u09ef]/g, (c) => {
    const code = c.charCodeAt(0);
    const base = DIGIT_BLOCKS.find((b) => code >= b && code <= b + 9)!;
    return String(code - base);
  });
}

const ARABIC_VARIANTS: Record<string, string> = { 'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ة': 'ه', 'ى': 'ي', 'ؤ': 'و', 'ئ': 'ي' };

/**
 * Lower-case, ASCII digits, drop accents on Latin and Cyrillic letters (STT often omits them), unify Arabic letter
 * variants and diacritics, drop the Devanagari nukta, turn punctuation and symbols into spaces and
 * collapse whitespace. For languages without word spaces, all whitespace is removed.
 */
export function normalizeText(text: string, language: string): string {
  let s = asciiDigits(text.normalize('NFKC')).toLocaleLowerCase(language === 'tr' ? 'tr' : undefined);
  s = s
    .normalize('NFD')
    .replace(/(\p{Script=Latin}|\p{Script=Cyrillic})\p{M}+/gu, '$1')
    .normalize('NFC')
    // Dotless ı: an STT that writes "Ingilizce" for "İngilizce" lower-cases to ı in Turkish; treat both alike.
    .replace(/ı/g, 'i')
    .replace(/[\u064B-\u0652\u0670\u0640]/g, '') // Arabic harakat, superscript alef, tatweel
    .replace(/[أإآٱةىؤئ]/g, (c) => ARABIC_VARIANTS[c] ?? c)
    .replace(/\u093C/g, '') // Devanagari nukta: written inconsistently (ज़ / ज)
    .replace(/\u0901/g, '\u0902') // candrabindu and anusvara (हूँ / हूं) are used interchangeably
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  return spacingOf(language) === 'none' ? s.replace(/ /g, '') : s;
}

/** Levenshtein distance, capped: returns `max + 1` as soon as the distance must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** How many edits a spoken word may be away from a known name: none for short words, where one edit changes the word. */
export function allowedEdits(length: number): number {
  if (length >= 9) return 2;
  if (length >= 5) return 1;
  return 0;
}

/** "anna maria" → "Anna Maria" in scripts that have case; unchanged elsewhere. */
export function titleCase(name: string, locale: string): string {
  return name
    .split(' ')
    .map((word) => (word ? word[0]!.toLocaleUpperCase(locale) + word.slice(1) : word))
    .join(' ');
}
