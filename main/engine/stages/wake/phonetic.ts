import { transliterate } from './transliterate.ts';

/**
 * A sound-alike key for fuzzy wake-word matching: any script → rough Latin → spelling folded to
 * sound ("Kiwi", "kee wee", "key we", "киви", "kivi" all become "kivi" or one cheap edit from it).
 * Capitals mark single sounds written with two letters: S = sh, C = ch, J = j/dzh/zh.
 */
/** Letters whose accent is a different sound (Turkish, Polish, Czech): spelled out before accents go. */
const ACCENTED: Array<[RegExp, string]> = [
  [/[şšś]/g, 'sh'],
  [/[çčć]/g, 'ch'],
  [/[žżź]/g, 'zh'],
];

const RULES: Array<[RegExp, string]> = [
  [/shch|sch|sh/g, 'S'],
  [/tch|ch/g, 'C'],
  [/dzh|dj|dg(?=[eiy])|zh|j/g, 'J'],
  [/ph/g, 'f'],
  [/th/g, 't'],
  [/kh/g, 'h'],
  [/gh/g, 'g'],
  [/ck/g, 'k'],
  [/qu/g, 'kv'],
  [/q/g, 'k'],
  [/x/g, 'ks'],
  [/c(?=[eiy])/g, 's'],
  [/c/g, 'k'],
  [/w/g, 'v'],
  // y is a consonant before a vowel ("yes", "ya"), a vowel elsewhere ("key", "kyiv").
  [/y(?![aeiou])/g, 'i'],
  [/h/g, ''],
  [/ee|ea|ie|ei|ey|iy|ii/g, 'i'],
  [/oo|ou|uu/g, 'u'],
];

export function phoneticKey(text: string): string {
  let key = transliterate(text.normalize('NFKC'));
  for (const [pattern, replacement] of ACCENTED) key = key.replace(pattern, replacement);
  key = key
    .normalize('NFD')
    .replace(/\p{M}/gu, '') // accents: "kíwi" → "kiwi"
    .replace(/[^\p{L}\p{N}]/gu, '');
  for (const [pattern, replacement] of RULES) key = key.replace(pattern, replacement);
  return key.replace(/(.)\1+/gu, '$1');
}

/** Sounds that are easy to mishear for one another: substituting them costs half an edit. */
const NEAR = ['ei', 'ou', 'ao', 'iy', 'uv', 'vf', 'vb', 'bp', 'dt', 'gk', 'sz', 'Ss', 'SC', 'CJ', 'Jz', 'Jg', 'lr', 'mn'];
const NEAR_SET = new Set(NEAR.flatMap(([a, b]) => [a! + b!, b! + a!]));

const substitution = (a: string, b: string) => (a === b ? 0 : NEAR_SET.has(a + b) ? 0.5 : 1);

/** Weighted edit distance between two keys: near sounds 0.5, other edits 1. */
export function soundDistance(a: string, b: string): number {
  return editDistance(a, b, { substitute: substitution, insert: 1, trail: 1, drop: 1 });
}

interface EditCosts {
  substitute(a: string, b: string): number;
  /** A sound in `heard` the target lacks: inside the word, and after its end. */
  insert: number;
  trail: number;
  /** A sound of the target `heard` lacks. */
  drop: number;
}

function editDistance(heard: string, target: string, costs: EditCosts): number {
  const x = [...heard];
  const y = [...target];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j * costs.drop);
  for (let i = 1; i <= x.length; i += 1) {
    const cur = [i * costs.insert];
    for (let j = 1; j <= y.length; j += 1) {
      const insert = j === y.length ? costs.trail : costs.insert;
      cur[j] = Math.min(prev[j]! + insert, cur[j - 1]! + costs.drop, prev[j - 1]! + costs.substitute(x[i - 1]!, y[j - 1]!));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

const VOWEL = /[aeiou]/;

/**
 * How far a transcript's word(s) are from the wake word when the keyword spotter has already
 * heard it there (the two-stage wake's confirmation). Speech-to-text slips on a name it does not
 * know the way a listener would: a vowel or a near consonant ("Kiwe", "Giwi"), or it runs on
 * into the next sound ("Kiwi's", "Keyweek"): those cost half an edit. A different consonant or a
 * lost sound makes another word ("Kiki", "Kimi", "Peewee", "Kiev") and costs more than one.
 */
export function confirmDistance(heard: string, target: string): number {
  const substitute = (a: string, b: string) => (a === b ? 0 : NEAR_SET.has(a + b) || (VOWEL.test(a) && VOWEL.test(b)) ? 0.5 : 1.25);
  return editDistance(heard, target, { substitute, insert: 1, trail: 0.5, drop: 1.25 });
}

/**
 * How far a heard key may be from a wake word's key. Names up to six sounds allow one near-sound
 * slip only ("kive" for "kivi", "Jervis" for "Jarvis"; not "give", "kiwis" or "Alex" for
 * "Alexa"); longer ones one or two edits. Keys in a script without a reading (Han) match exactly.
 */
export function allowedDistance(key: string): number {
  if (/[^\p{ASCII}]/u.test(key)) return 0;
  const length = [...key].length;
  if (length <= 6) return 0.5;
  if (length <= 9) return 1;
  return 1.5;
}
