/**
 * Word error rate as the multilingual STT tests and bench measure it: Unicode-aware (Cyrillic,
 * accents), punctuation and case ignored, apostrophes split words (French "s'il" and "s’il" are
 * the same). Chinese and Japanese are written without spaces, so there every character is a
 * "word" (character error rate, the usual measure for them).
 */

const CHARACTER_LANGUAGES = new Set(['zh', 'ja']);

/** The units compared: words, or characters for zh/ja. */
export function tokens(text: string, language: string): string[] {
  const folded = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ');
  if (CHARACTER_LANGUAGES.has(language)) return [...folded.replace(/\s+/g, '')];
  return folded.split(/\s+/).filter(Boolean);
}

/** Edit distance (substitutions + insertions + deletions) between two token lists. */
export function editDistance(a: readonly string[], b: readonly string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** Errors and reference length of one utterance. */
export function wordErrors(reference: string, heard: string, language: string): { errors: number; words: number } {
  const ref = tokens(reference, language);
  return { errors: editDistance(ref, tokens(heard, language)), words: ref.length };
}
