import { KiwiError } from '../../../platform/errors.ts';

/**
 * Pinyin → the "ppinyin" units of sherpa's Chinese KWS models: each syllable as its initial and
 * its toned final, as written ("xiǎo" → "x iǎo", "ài" → "ài", "yī" → "y ī"). Kiwi has no
 * character → pinyin dictionary, so a Chinese wake word for these models is typed in pinyin,
 * with tone marks or tone numbers ("xiao3 ai4 tong2 xue2").
 */
const INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's', 'y', 'w'];
const MARKS: Record<string, string[]> = {
  a: ['ā', 'á', 'ǎ', 'à'],
  e: ['ē', 'é', 'ě', 'è'],
  i: ['ī', 'í', 'ǐ', 'ì'],
  o: ['ō', 'ó', 'ǒ', 'ò'],
  u: ['ū', 'ú', 'ǔ', 'ù'],
  ü: ['ǖ', 'ǘ', 'ǚ', 'ǜ'],
};
const VOWELS = /[aeiouü]/;

export function pinyinTokens(text: string): string[] {
  if (/\p{Script=Han}/u.test(text)) {
    throw new KiwiError(
      'wake_word_unsupported',
      `This keyword model writes Chinese as pinyin: set the wake word in pinyin, e.g. "xiao3 ai4 tong2 xue2" or "xiǎo ài tóng xué" (got "${text}")`,
    );
  }
  const out: string[] = [];
  for (const syllable of syllables(text)) {
    const initial = INITIALS.find((i) => syllable.startsWith(i) && syllable.length > i.length);
    if (initial) out.push(initial, syllable.slice(initial.length));
    else out.push(syllable);
  }
  return out;
}

/** Syllables with tone marks: split at spaces, apostrophes, hyphens and after tone numbers. */
function syllables(text: string): string[] {
  const out: string[] = [];
  const lower = text.normalize('NFC').toLowerCase().replace(/v/g, 'ü').replace(/u:/g, 'ü');
  for (const match of lower.matchAll(/(\p{L}+)([0-5])?/gu)) {
    const letters = match[1]!;
    const tone = match[2] ? Number(match[2]) : 0;
    if (!VOWELS.test(letters.normalize('NFD'))) {
      throw new KiwiError('wake_word_invalid', `"${letters}" is not a pinyin syllable`);
    }
    out.push(tone >= 1 && tone <= 4 ? withTone(letters, tone) : letters);
  }
  if (!out.length) throw new KiwiError('wake_word_invalid', `The wake word "${text}" has no pinyin syllables`);
  return out;
}

/** The standard rule: a or e takes the mark, o in "ou", otherwise the last vowel. */
function withTone(syllable: string, tone: number): string {
  let at = syllable.search(/[ae]/);
  if (at < 0) at = syllable.indexOf('ou');
  if (at < 0) {
    for (let i = syllable.length - 1; i >= 0; i -= 1) {
      if (VOWELS.test(syllable[i]!)) {
        at = i;
        break;
      }
    }
  }
  const vowel = syllable[at]!;
  return syllable.slice(0, at) + MARKS[vowel]![tone - 1] + syllable.slice(at + 1);
}
