import { has, meaning, type Token } from './lexicon.ts';

export interface Reading {
  /** Index after the last token of the number. */
  end: number;
  value: number;
  /** Written as digits with a leading zero ("07"): a 24-hour clock hour. */
  zeroPadded: boolean;
}

/**
 * Every way the tokens from `i` can be read as one number, longest first: "twenty five" is 25
 * (and 20); a digit run is one number on its own. Words add up, multipliers multiply what is
 * before them ("dua puluh lima" = 2×10+5, "二十五" = 2×10+5, "quatre-vingt-dix" = 80+10).
 */
export function numberReadings(tokens: readonly Token[], i: number): Reading[] {
  const first = tokens[i];
  const digits = meaning(first, 'digits');
  if (digits) return [{ end: i + 1, value: digits.value, zeroPadded: digits.raw.length > 1 && digits.raw.startsWith('0') }];
  const decimal = meaning(first, 'decimal');
  if (decimal) return [{ end: i + 1, value: decimal.value, zeroPadded: false }];
  const readings: Reading[] = [];
  let total = 0;
  let current = 0;
  let j = i;
  while (j < tokens.length) {
    const token = tokens[j]!;
    const number = meaning(token, 'number');
    const multiplier = meaning(token, 'multiplier');
    if (!number && !multiplier) {
      // A joiner belongs to the number only when another number word follows it.
      const next = tokens[j + 1];
      if (j > i && has(token, 'number_joiner') && (has(next, 'number') || has(next, 'multiplier'))) {
        j++;
        continue;
      }
      break;
    }
    if (multiplier) {
      total += (current || 1) * multiplier.value;
      current = 0;
    } else current += number!.value;
    j++;
    readings.push({ end: j, value: total + current, zeroPadded: false });
    if (j - i > 8) break; // no spoken number is longer; bounds the work on odd input
  }
  return readings.reverse();
}
