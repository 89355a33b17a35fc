import { spacingOf } from '../../dialogue/commands/normalize.ts';
import { CLOCK_SEP, DECIMAL_SEP, prepareText } from './prepare.ts';
import { DAY_WORDS, PERIODS, RECURRING_SETS, UNITS, WEEKDAYS, type Period, type TimeWords, type Unit } from './locale.ts';

/** What a word of a time expression can mean; one word may mean several things ("half", "second"). */
export type Meaning =
  | { type: 'number'; value: number }
  | { type: 'multiplier'; value: number }
  | { type: 'digits'; value: number; raw: string }
  | { type: 'decimal'; value: number }
  | { type: 'clock'; hour: number; minute: number }
  | { type: 'unit'; unit: Unit }
  | { type: 'unit_amount'; unit: Unit; amount: number }
  | { type: 'fraction'; value: number }
  | { type: 'period'; period: Period }
  | { type: 'day'; day: (typeof DAY_WORDS)[number] }
  | { type: 'weekday'; day: number }
  | { type: 'weekday_recurring'; day: number }
  | { type: 'recurring'; days: number[] }
  | {
      type:
        | 'half_after_number'
        | 'half_after_unit'
        | 'half_before_number'
        | 'number_joiner'
        | 'duration_joiner'
        | 'classifier'
        | 'relative_before'
        | 'relative_after'
        | 'hour_before'
        | 'hour_after'
        | 'minute_after'
        | 'noon'
        | 'midnight'
        | 'every'
        | 'connector'
        | 'word';
    };

export type MeaningType = Meaning['type'];

export interface Token {
  text: string;
  meanings: Meaning[];
}

export const has = (token: Token | undefined, type: MeaningType): boolean => token?.meanings.some((m) => m.type === type) ?? false;

export function meaning<T extends MeaningType>(token: Token | undefined, type: T): Extract<Meaning, { type: T }> | undefined {
  return token?.meanings.find((m) => m.type === type) as Extract<Meaning, { type: T }> | undefined;
}

const RECURRING_DAYS: Record<(typeof RECURRING_SETS)[number], number[]> = {
  every_day: [0, 1, 2, 3, 4, 5, 6],
  weekdays: [1, 2, 3, 4, 5],
  weekends: [0, 6],
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CLOCK_TEXT = new RegExp(`^(\\d{1,2})[${CLOCK_SEP}${DECIMAL_SEP}](\\d{2})$`);
const DECIMAL_TEXT = new RegExp(`^(\\d+)${DECIMAL_SEP}(\\d+)$`);

/**
 * The words of one language's time expressions, from its timers.json, and the tokenizer that
 * splits a prepared text (prepare.ts) into them. Unknown words make the text no time expression.
 */
export class Lexicon {
  readonly #entries = new Map<string, Meaning[]>();
  readonly #numberWords: string[] = [];
  readonly #prefixes: string[];
  readonly #joiners: string[];
  readonly #spaced: boolean;
  #maxWords = 1;
  #maxChars = 1;

  constructor(
    readonly language: string,
    private readonly time: TimeWords,
    /** Literal words of clock idioms ("past", "halb", "点半"), so the tokenizer knows them. */
    idiomWords: string[],
  ) {
    this.#spaced = spacingOf(language) === 'words';
    const add = (words: readonly string[], m: Meaning) => {
      for (const w of words) this.#add(w, m);
    };
    for (const [w, value] of Object.entries(time.numbers)) {
      this.#add(w, { type: 'number', value });
      this.#numberWords.push(prepareText(w, language));
    }
    for (const [w, value] of Object.entries(time.multipliers)) {
      this.#add(w, { type: 'multiplier', value });
      this.#numberWords.push(prepareText(w, language));
    }
    add(time.number_joiners, { type: 'number_joiner' });
    for (const unit of UNITS) add(time.units[unit], { type: 'unit', unit });
    for (const entry of time.unit_amounts) add(entry.words, { type: 'unit_amount', unit: entry.unit, amount: entry.amount });
    for (const [w, value] of Object.entries(time.fractions)) this.#add(w, { type: 'fraction', value });
    add(time.half_after_number, { type: 'half_after_number' });
    add(time.half_after_unit, { type: 'half_after_unit' });
    add(time.half_before_number, { type: 'half_before_number' });
    add(time.duration_joiners, { type: 'duration_joiner' });
    add(time.classifiers, { type: 'classifier' });
    add(time.relative_before, { type: 'relative_before' });
    add(time.relative_after, { type: 'relative_after' });
    add(time.hour_before, { type: 'hour_before' });
    add(time.hour_after, { type: 'hour_after' });
    add(time.minute_after, { type: 'minute_after' });
    for (const period of PERIODS) add(time.periods[period], { type: 'period', period });
    add(time.noon, { type: 'noon' });
    add(time.midnight, { type: 'midnight' });
    for (const day of DAY_WORDS) add(time.days[day], { type: 'day', day });
    WEEKDAYS.forEach((key, day) => {
      add(time.weekdays[key], { type: 'weekday', day });
      add(time.weekdays_recurring[key], { type: 'weekday_recurring', day });
    });
    add(time.every, { type: 'every' });
    for (const set of RECURRING_SETS) add(time.recurring[set], { type: 'recurring', days: RECURRING_DAYS[set] });
    add(time.connectors, { type: 'connector' });
    add(idiomWords, { type: 'word' });
    this.#prefixes = time.word_prefixes.map((p) => prepareText(p, language)).filter(Boolean);
    this.#joiners = time.number_joiners.map((p) => prepareText(p, language)).filter(Boolean);
  }

  #add(raw: string, m: Meaning): void {
    const key = prepareText(raw, this.language);
    if (!key) return;
    const list = this.#entries.get(key) ?? [];
    if (!list.some((x) => JSON.stringify(x) === JSON.stringify(m))) list.push(m);
    this.#entries.set(key, list);
    this.#maxWords = Math.max(this.#maxWords, key.split(' ').length);
    this.#maxChars = Math.max(this.#maxChars, key.length);
  }

  /** Every word (or, without word spaces, every entry) a time expression may contain, for slot regexes. */
  get vocabulary(): string[] {
    const all = [...this.#entries.keys()].flatMap((k) => (this.#spaced ? k.split(' ') : [k]));
    return [...new Set([...all, ...this.#prefixes])].sort((a, b) => b.length - a.length);
  }

  /**
   * A regex source matching a run of time-expression words (and digits, clock times), used for a
   * {when} or {duration} slot. It only bounds the slot; parse.ts decides what the words mean.
   */
  slotPattern(): string {
    const number = `\\d+(?:[${CLOCK_SEP}${DECIMAL_SEP}]\\d+)?`;
    const words = this.vocabulary.map(escape).join('|');
    if (!this.#spaced) return `(?:${number}|${words})+`;
    const prefix = this.#prefixes.length ? `(?:${this.#prefixes.map(escape).join('|')})?` : '';
    let token = `${number}|${prefix}(?:${words})`;
    if (this.time.compound_numbers) {
      const parts = [...this.#numberWords, ...this.#joiners].sort((a, b) => b.length - a.length).map(escape).join('|');
      token += `|(?:${parts}){2,6}`;
    }
    return `(?:${token})(?:\\s(?:${token}))*`;
  }

  /** Split a prepared text into tokens; null when some part is not a time word. */
  tokenize(text: string): Token[] | null {
    return this.#spaced ? this.#tokenizeWords(text) : this.#tokenizeChars(text);
  }

  #lookup(key: string): Token | null {
    const meanings = this.#entries.get(key);
    if (meanings) return { text: key, meanings };
    return numeric(key);
  }

  #tokenizeWords(text: string): Token[] | null {
    const words = text.split(' ').filter(Boolean);
    const tokens: Token[] = [];
    let i = 0;
    outer: while (i < words.length) {
      for (let k = Math.min(this.#maxWords, words.length - i); k >= 1; k--) {
        const token = this.#lookup(words.slice(i, i + k).join(' '));
        if (token) {
          tokens.push(token);
          i += k;
          continue outer;
        }
      }
      const word = words[i]!;
      const split = this.#splitPrefix(word) ?? (this.time.compound_numbers ? this.#splitCompound(word) : null);
      if (!split) return null;
      tokens.push(...split);
      i++;
    }
    return tokens;
  }

  /** "وعشرين" → "و" + "عشرين" */
  #splitPrefix(word: string): Token[] | null {
    for (const prefix of this.#prefixes) {
      if (!word.startsWith(prefix) || word.length <= prefix.length) continue;
      const rest = this.#lookup(word.slice(prefix.length));
      if (rest) return [{ text: prefix, meanings: [{ type: 'number_joiner' }, { type: 'duration_joiner' }, { type: 'connector' }] }, rest];
    }
    return null;
  }

  /** "fünfundzwanzig" → fünf, und, zwanzig: a word made only of number words (and joiners). */
  #splitCompound(word: string): Token[] | null {
    const pieces = [...this.#numberWords, ...this.#joiners].filter(Boolean).sort((a, b) => b.length - a.length);
    const walk = (at: number, depth: number): Token[] | null => {
      if (at === word.length) return [];
      if (depth > 6) return null;
      for (const piece of pieces) {
        if (!word.startsWith(piece, at)) continue;
        const rest = walk(at + piece.length, depth + 1);
        if (rest) return [this.#lookup(piece)!, ...rest];
      }
      return null;
    };
    const found = walk(0, 0);
    return found && found.length > 1 ? found : null;
  }

  #tokenizeChars(text: string): Token[] | null {
    const tokens: Token[] = [];
    let i = 0;
    while (i < text.length) {
      const num = new RegExp(`^\\d+(?:[${CLOCK_SEP}${DECIMAL_SEP}]\\d+)?`).exec(text.slice(i));
      if (num) {
        tokens.push(numeric(num[0])!);
        i += num[0].length;
        continue;
      }
      let found: Token | null = null;
      for (let len = Math.min(this.#maxChars, text.length - i); len >= 1 && !found; len--) {
        const meanings = this.#entries.get(text.slice(i, i + len));
        if (meanings) found = { text: text.slice(i, i + len), meanings };
      }
      if (!found) return null;
      tokens.push(found);
      i += found.text.length;
    }
    return tokens;
  }
}

/** Digits, decimals and clock times written with digits. */
function numeric(text: string): Token | null {
  if (/^\d+$/.test(text)) return { text, meanings: [{ type: 'digits', value: Number(text), raw: text }] };
  const clock = CLOCK_TEXT.exec(text);
  const decimal = DECIMAL_TEXT.exec(text);
  const meanings: Meaning[] = [];
  if (clock) meanings.push({ type: 'clock', hour: Number(clock[1]), minute: Number(clock[2]) });
  if (decimal) meanings.push({ type: 'decimal', value: Number(`${decimal[1]}.${decimal[2]}`) });
  return meanings.length ? { text, meanings } : null;
}
