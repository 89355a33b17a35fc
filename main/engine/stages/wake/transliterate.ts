/**
 * Rough romanisation of the scripts Kiwi's languages write in, so a wake word can be compared by
 * sound across scripts ("киви", "कीवी", "كيوي", "キウイ", "키위" all come out near "kiwi"). It is
 * made for fuzzy matching, not for display: vowel length, tones and most diacritics are lost.
 * Han characters have no reading without a dictionary and stay as they are.
 */

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n',
  о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'i', ь: '',
  э: 'e', ю: 'yu', я: 'ya', і: 'i', ї: 'yi', є: 'ye', ґ: 'g',
};

const LATIN_EXTRA: Record<string, string> = { ı: 'i', ł: 'l', ß: 'ss', ø: 'o', æ: 'ae', œ: 'oe', đ: 'd', ð: 'd', þ: 'th' };

// Devanagari: consonants carry an inherent "a" unless a vowel sign or the virama follows.
const DEVA_CONSONANTS: Record<string, string> = {
  क: 'k', ख: 'kh', ग: 'g', घ: 'gh', ङ: 'n', च: 'ch', छ: 'chh', ज: 'j', झ: 'jh', ञ: 'n', ट: 't', ठ: 'th', ड: 'd', ढ: 'dh', ण: 'n',
  त: 't', थ: 'th', द: 'd', ध: 'dh', न: 'n', प: 'p', फ: 'f', ब: 'b', भ: 'bh', म: 'm', य: 'y', र: 'r', ल: 'l', व: 'v', श: 'sh',
  ष: 'sh', स: 's', ह: 'h',
};
const DEVA_NUKTA: Record<string, string> = { क: 'q', ख: 'kh', ग: 'g', ज: 'z', ड: 'r', ढ: 'rh', फ: 'f' };
const DEVA_VOWELS: Record<string, string> = {
  अ: 'a', आ: 'aa', इ: 'i', ई: 'ii', उ: 'u', ऊ: 'uu', ऋ: 'ri', ए: 'e', ऐ: 'ai', ओ: 'o', औ: 'au', ऑ: 'o', ऍ: 'e',
};
const DEVA_SIGNS: Record<string, string> = {
  'ा': 'aa', 'ि': 'i', 'ी': 'ii', 'ु': 'u', 'ू': 'uu', 'ृ': 'ri', 'े': 'e', 'ै': 'ai', 'ो': 'o', 'ौ': 'au', 'ॉ': 'o', 'ॅ': 'e',
};
const DEVA_MARKS: Record<string, string> = { 'ं': 'n', 'ँ': 'n', 'ः': 'h' };
const VIRAMA = '्';
const NUKTA = '़';

const ARABIC: Record<string, string> = {
  ا: 'a', أ: 'a', إ: 'i', آ: 'aa', ٱ: 'a', ب: 'b', ت: 't', ث: 'th', ج: 'j', ح: 'h', خ: 'kh', د: 'd', ذ: 'dh', ر: 'r', ز: 'z',
  س: 's', ش: 'sh', ص: 's', ض: 'd', ط: 't', ظ: 'z', ع: '', غ: 'gh', ف: 'f', ق: 'q', ك: 'k', ل: 'l', م: 'm', ن: 'n', ه: 'h',
  و: 'w', ي: 'y', ى: 'a', ة: 'a', ء: '', ئ: 'y', ؤ: 'w', پ: 'p', چ: 'ch', ڤ: 'v', گ: 'g', ک: 'k', ی: 'y',
  '\u064e': 'a', '\u0650': 'i', '\u064f': 'u', '\u064b': 'an', '\u064d': 'in', '\u064c': 'un', '\u0652': '', '\u0651': '', '\u0640': '',
};

// Katakana (hiragana is mapped onto it first), one syllable per character.
const KANA_ROWS: Array<[string, string[]]> = [
  ['アイウエオ', ['a', 'i', 'u', 'e', 'o']],
  ['カキクケコ', ['ka', 'ki', 'ku', 'ke', 'ko']],
  ['ガギグゲゴ', ['ga', 'gi', 'gu', 'ge', 'go']],
  ['サシスセソ', ['sa', 'shi', 'su', 'se', 'so']],
  ['ザジズゼゾ', ['za', 'ji', 'zu', 'ze', 'zo']],
  ['タチツテト', ['ta', 'chi', 'tsu', 'te', 'to']],
  ['ダヂヅデド', ['da', 'ji', 'zu', 'de', 'do']],
  ['ナニヌネノ', ['na', 'ni', 'nu', 'ne', 'no']],
  ['ハヒフヘホ', ['ha', 'hi', 'fu', 'he', 'ho']],
  ['バビブベボ', ['ba', 'bi', 'bu', 'be', 'bo']],
  ['パピプペポ', ['pa', 'pi', 'pu', 'pe', 'po']],
  ['マミムメモ', ['ma', 'mi', 'mu', 'me', 'mo']],
  ['ヤユヨ', ['ya', 'yu', 'yo']],
  ['ラリルレロ', ['ra', 'ri', 'ru', 're', 'ro']],
  ['ワヲンヴ', ['wa', 'o', 'n', 'vu']],
];
const KANA: Record<string, string> = {};
for (const [chars, sounds] of KANA_ROWS) [...chars].forEach((c, i) => (KANA[c] = sounds[i]!));
const SMALL_Y: Record<string, string> = { ャ: 'a', ュ: 'u', ョ: 'o' };
const SMALL_V: Record<string, string> = { ァ: 'a', ィ: 'i', ゥ: 'u', ェ: 'e', ォ: 'o' };

const HANGUL_INITIALS = ['g', 'kk', 'n', 'd', 'tt', 'r', 'm', 'b', 'pp', 's', 'ss', '', 'j', 'jj', 'ch', 'k', 't', 'p', 'h'];
const HANGUL_MEDIALS = ['a', 'ae', 'ya', 'yae', 'eo', 'e', 'yeo', 'ye', 'o', 'wa', 'wae', 'oe', 'yo', 'u', 'wo', 'we', 'wi', 'yu', 'eu', 'ui', 'i'];
const HANGUL_FINALS = ['', 'k', 'k', 'k', 'n', 'n', 'n', 't', 'l', 'k', 'm', 'l', 'l', 'l', 'p', 'l', 'm', 'p', 'p', 't', 't', 'ng', 't', 't', 'k', 't', 'p', 't'];

/** Lower-case Latin letters for every character that has a reading; others (Han) unchanged. */
export function transliterate(text: string): string {
  let out = '';
  const chars = [...text.toLowerCase()];
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i]!;
    const code = c.codePointAt(0)!;
    if (c in CYRILLIC) out += CYRILLIC[c];
    else if (c in LATIN_EXTRA) out += LATIN_EXTRA[c];
    else if (code >= 0x0900 && code <= 0x097f) i = devanagari(chars, i, (s) => (out += s));
    else if (c in ARABIC) out += ARABIC[c];
    else if (code >= 0x3040 && code <= 0x30ff) out = kana(c, out, chars[i - 1]);
    else if (code >= 0xac00 && code <= 0xd7a3) out += hangul(code - 0xac00);
    else out += c;
  }
  return out;
}

/** One Devanagari letter (with its signs) at chars[i]; returns the index of its last character. */
function devanagari(chars: string[], i: number, emit: (s: string) => void): number {
  let c = chars[i]!;
  if (c in DEVA_VOWELS) emit(DEVA_VOWELS[c]!);
  else if (c in DEVA_MARKS) emit(DEVA_MARKS[c]!);
  else if (c in DEVA_SIGNS) emit(DEVA_SIGNS[c]!);
  else if (c in DEVA_CONSONANTS) {
    let sound = DEVA_CONSONANTS[c]!;
    if (chars[i + 1] === NUKTA) {
      sound = DEVA_NUKTA[c] ?? sound;
      i += 1;
    }
    emit(sound);
    c = chars[i + 1] ?? '';
    if (c === VIRAMA) return i + 1;
    if (c in DEVA_SIGNS) {
      emit(DEVA_SIGNS[c]!);
      return i + 1;
    }
    // The inherent vowel, except at the end of a word (Hindi drops it there: "जार्विस" → "jaarvis").
    const next = chars[i + 1];
    if (next !== undefined && /[\u0900-\u097f]/.test(next)) emit('a');
  }
  return i;
}

function kana(c: string, out: string, prev: string | undefined): string {
  if (c === 'ー') return out + (out.match(/[aeiou]$/)?.[0] ?? ''); // long vowel
  if (c === 'ッ' || c === 'っ') return out; // doubles the next consonant, which the phonetic key collapses anyway
  const k = katakana(c);
  const before = prev === undefined ? undefined : KANA[katakana(prev)];
  if ((k in SMALL_Y || k in SMALL_V) && before !== undefined && out.endsWith(before)) {
    // The small kana reshapes the syllable before it: "キャ" → "kya", "シャ" → "sha", "ウィ" → "wi", "ファ" → "fa".
    const stem = out.slice(0, out.length - before.length);
    if (k in SMALL_Y && before.endsWith('i')) {
      const base = before.slice(0, -1);
      return stem + (['sh', 'ch', 'j'].includes(base) ? base : base + 'y') + SMALL_Y[k];
    }
    if (k in SMALL_V) return stem + (before === 'u' ? 'w' : before.replace(/[aeiou]+$/, '')) + SMALL_V[k];
  }
  if (k in SMALL_Y) return out + 'y' + SMALL_Y[k];
  if (k in SMALL_V) return out + SMALL_V[k];
  return out + (KANA[k] ?? c);
}

/** Hiragana → katakana: the same syllables 0x60 code points apart. */
function katakana(c: string): string {
  const code = c.codePointAt(0)!;
  return code >= 0x3041 && code <= 0x3096 ? String.fromCodePoint(code + 0x60) : c;
}

function hangul(index: number): string {
  const initial = Math.floor(index / 588);
  const medial = Math.floor((index % 588) / 28);
  const final = index % 28;
  return HANGUL_INITIALS[initial]! + HANGUL_MEDIALS[medial]! + HANGUL_FINALS[final]!;
}
