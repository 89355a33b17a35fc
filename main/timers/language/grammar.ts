import { defaultMatcher } from '../../dialogue/commands/matcher.ts';
import { spacingOf } from '../../dialogue/commands/normalize.ts';
import { compilePhrase } from '../../dialogue/commands/pattern.ts';
import { LocaleCache } from '../../i18n/locale-file.ts';
import { slotProblem } from '../../i18n/phrase-lists.ts';
import { KiwiError } from '../../platform/errors.ts';
import type { TimerKind } from '../types.ts';
import { parseDuration } from './duration.ts';
import { numberReadings } from './numbers.ts';
import { compileIdiom, idiomWords, type Idiom } from './idioms.ts';
import { Lexicon } from './lexicon.ts';
import { INTENTS, INTENT_SLOTS, readTimersFile, type Intent, type TimersFile } from './locale.ts';
import { prepareText } from './prepare.ts';
import { parseWhen, type WhenSpec } from './when.ts';
import type { LanguageCode } from '../../contract/languages.ts';

/** A recognised timer command; times are not yet placed on the calendar (resolve.ts). */
export type TimerCommand =
  | { intent: 'set_timer'; durationMs: number; label: string | null }
  /** "set a timer for 5": a timer with a number but no unit; Kiwi asks rather than guess (or leave it to the LLM). */
  | { intent: 'need_unit'; amount: number }
  | { intent: 'set_alarm'; when: WhenSpec; label: string | null }
  | { intent: 'set_reminder'; when: WhenSpec; task: string }
  | { intent: 'time_left'; label: string | null }
  | { intent: 'list'; kind: TimerKind | null }
  | { intent: 'cancel'; kind: TimerKind; label: string | null }
  | { intent: 'cancel_all'; kind: TimerKind | null }
  /** `bare`: the whole utterance was the duration ("five more minutes"), which is a snooze only when something rang. */
  | { intent: 'snooze'; durationMs: number | null; bare: boolean }
  | { intent: 'stop' };

interface CompiledPhrase {
  intent: Intent;
  source: string;
  regex: RegExp;
  /** A set_timer phrase that names a timer ("timer for {duration}", not "count down from {duration}"): a bare number in it asks for the unit. */
  asksUnit: boolean;
}

/** Longer utterances are no timer command; the cap also bounds the regex work on odd input. */
const MAX_CHARS = { words: 200, none: 80 };
const MAX_LABEL_WORDS = 4;
const MAX_TASK_WORDS = 16;

/**
 * One language's timer commands: phrases from resources/locales/<lang>/timers.json whose slots
 * are typed ({duration} and {when} only take time words, {kind} only the kind names), and the
 * time-expression parser that reads the slots.
 */
export class TimersGrammar {
  readonly file: TimersFile;
  readonly lexicon: Lexicon;
  readonly idioms: Idiom[];
  readonly #phrases: CompiledPhrase[] = [];
  readonly #kinds = new Map<string, TimerKind>();
  /** Words that are never a label on their own ("the", "den", "la"): the time expressions' connectors. */
  readonly #connectors: Set<string>;
  readonly #fillers: string[];
  readonly #spaced: boolean;
  /** One-word "stop" phrases (this file's and the built-in commands'): "stop", "стоп", "停". */
  readonly #stopWords: Set<string>;

  constructor(
    readonly language: LanguageCode,
    dir?: string,
  ) {
    this.file = readTimersFile(language, dir);
    this.#spaced = spacingOf(language) === 'words';
    const fail = (problem: string) => new KiwiError('invalid_locale', `timers.json (${language}): ${problem}`, 500);
    this.idioms = this.file.time.clock_idioms.map((idiom) => {
      try {
        return compileIdiom(idiom.pattern, language, idiom.minute, idiom.before);
      } catch (err) {
        throw fail((err as Error).message);
      }
    });
    this.lexicon = new Lexicon(language, this.file.time, this.idioms.flatMap((i) => idiomWords(i, this.#spaced)));
    this.#connectors = new Set(this.file.time.connectors.map((w) => prepareText(w, language)));
    for (const kind of ['timer', 'alarm', 'reminder'] as const) {
      for (const word of this.file.kinds[kind]) this.#kinds.set(prepareText(word, language), kind);
    }
    const slotPatterns: Record<string, string> = {
      duration: this.lexicon.slotPattern(),
      when: this.lexicon.slotPattern(),
      kind: [...this.#kinds.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s')).join('|'),
    };
    for (const intent of INTENTS) {
      for (const source of this.file.phrases[intent]) {
        let compiled;
        try {
          compiled = compilePhrase(source, language);
        } catch (err) {
          throw fail(`phrases.${intent} '${source}': ${(err as Error).message}`);
        }
        const problem = slotProblem(compiled.slots, INTENT_SLOTS[intent]);
        if (problem) throw fail(`phrases.${intent} '${source}': ${problem}`);
        let pattern = compiled.regex.source;
        for (const slot of compiled.slots) {
          const typed = slotPatterns[slot];
          if (typed) pattern = pattern.replace(`(?<${slot}>.+?)`, `(?<${slot}>${typed})`);
        }
        const said = prepareText(source, language);
        const asksUnit = intent === 'set_timer' && !compiled.slots.includes('label') && this.file.kinds.timer.some((w) => said.includes(prepareText(w, language)));
        this.#phrases.push({ intent, source, regex: new RegExp(pattern, 'u'), asksUnit });
      }
    }
    const commands = defaultMatcher().locale(language).file;
    this.#fillers = commands.fillers
      .map((f) => prepareText(f, language))
      .filter(Boolean)
      .sort((a, b) => b.length - a.length);
    this.#stopWords = new Set(
      [...this.file.phrases.stop, ...commands.phrases.stop]
        .filter((p) => !/[[\](){}]/.test(p))
        .map((p) => prepareText(p, language))
        .filter((p) => p && (!this.#spaced || !p.includes(' '))),
    );
  }

  /**
   * A short utterance that starts with a stop word ("stop little arm" for a misheard "stop the
   * alarm"): while something rings, that is "stop". Up to four words (or a few characters more
   * than the word, in languages without spaces).
   */
  startsWithStop(text: string): boolean {
    const prepared = this.#trimFillers(this.#spaced ? ` ${prepareText(text, this.language)}` : prepareText(text, this.language)).trim();
    if (this.#spaced) {
      const words = prepared.split(' ').filter(Boolean);
      return words.length > 0 && words.length <= 4 && this.#stopWords.has(words[0]!);
    }
    return [...this.#stopWords].some((w) => prepared.startsWith(w) && prepared.length <= w.length + 4);
  }

  /** The phrases of one intent only ('stop' and 'snooze' while something rings). */
  match(text: string, only?: readonly Intent[]): TimerCommand | null {
    const prepared = prepareText(text, this.language);
    if (!prepared || prepared.length > MAX_CHARS[this.#spaced ? 'words' : 'none']) return null;
    const full = this.#spaced ? ` ${prepared}` : prepared;
    const candidates = [...new Set([this.#trimFillers(full), full])];
    /** A question back ("minutes or hours?"): only when no phrase reads the whole command. */
    let question: TimerCommand | null = null;
    for (const phrase of this.#phrases) {
      if (only && !only.includes(phrase.intent)) continue;
      for (const candidate of candidates) {
        const found = phrase.regex.exec(candidate);
        if (!found) continue;
        const command = this.#interpret(phrase, found.groups ?? {}, text);
        if (command?.intent === 'need_unit') question ??= command;
        else if (command) return command;
      }
    }
    return question;
  }

  /** A {duration} or {when} slot's text read on its own (tests and the API's `when` field use it). */
  parseWhen(text: string): WhenSpec | null {
    const tokens = this.lexicon.tokenize(prepareText(text, this.language));
    return tokens ? parseWhen(tokens, this.idioms, this.#spaced) : null;
  }

  parseDuration(text: string): number | null {
    const tokens = this.lexicon.tokenize(prepareText(text, this.language));
    return tokens ? parseDuration(tokens) : null;
  }

  #interpret({ intent, asksUnit, source }: CompiledPhrase, groups: Record<string, string | undefined>, original: string): TimerCommand | null {
    const slot = (name: string) => groups[name]?.trim() || undefined;
    const duration = slot('duration');
    const durationMs = duration === undefined ? null : this.#duration(duration);
    if (duration !== undefined && durationMs === null) {
      // Not from a phrase with a label: "cancel timer 2" fits "{label} timer {duration}" but is no timer to set.
      const amount = asksUnit ? this.#bareNumber(duration) : null;
      return amount === null ? null : { intent: 'need_unit', amount };
    }
    const whenText = slot('when');
    const when = whenText === undefined ? null : this.#when(whenText);
    if (whenText !== undefined && !when) return null;
    const kindText = slot('kind');
    const kind = kindText === undefined ? null : (this.#kinds.get(kindText.replace(/\s+/g, ' ')) ?? null);
    if (kindText !== undefined && !kind) return null;
    const labelText = slot('label');
    const label = labelText === undefined ? null : this.#label(labelText, original, MAX_LABEL_WORDS);
    if (labelText !== undefined && !label) return null;
    const taskText = slot('task');
    const task = taskText === undefined ? null : this.#label(taskText, original, MAX_TASK_WORDS);
    if (taskText !== undefined && !task) return null;

    switch (intent) {
      case 'set_timer':
        return { intent, durationMs: durationMs!, label };
      case 'set_alarm':
        return { intent, when: when!, label };
      case 'set_reminder':
        return { intent, when: when!, task: task! };
      case 'time_left':
        return { intent, label };
      case 'list':
        return { intent, kind };
      case 'cancel':
        return { intent, kind: kind!, label };
      case 'cancel_all':
        return { intent, kind };
      case 'snooze':
        return { intent, durationMs, bare: source.trim() === '{duration}' };
      case 'stop':
        return { intent };
    }
  }

  #duration(text: string): number | null {
    const tokens = this.lexicon.tokenize(text);
    return tokens ? parseDuration(tokens) : null;
  }

  /**
   * A slot that is only a whole number ("5", "five", "пять"), without a unit. A word for one alone
   * is no amount: it is the article in "set a timer" ("a", "un", "ein").
   */
  #bareNumber(text: string): number | null {
    const tokens = this.lexicon.tokenize(text);
    if (!tokens?.length) return null;
    const whole = numberReadings(tokens, 0).find((r) => r.end === tokens.length);
    if (!whole || !Number.isInteger(whole.value) || whole.value < 1) return null;
    return whole.value >= 2 || /\d/u.test(text) ? whole.value : null;
  }

  #when(text: string): WhenSpec | null {
    const tokens = this.lexicon.tokenize(text);
    return tokens ? parseWhen(tokens, this.idioms, this.#spaced) : null;
  }

  /** A label or task as it was said (case and accents kept), within a word limit; kind names alone are no label. */
  #label(normal: string, original: string, maxWords: number): string | null {
    const words = normal.split(' ').filter(Boolean);
    if (words.length === 0 || (this.#spaced && words.length > maxWords) || !/[\p{L}\p{N}]/u.test(normal)) return null;
    if (this.#kinds.has(normal) || words.every((w) => this.#connectors.has(w))) return null;
    return originalSpan(original, normal, this.language, this.#spaced) ?? normal;
  }

  #trimFillers(text: string): string {
    let current = text;
    for (let changed = true; changed; ) {
      changed = false;
      for (const filler of this.#fillers) {
        const head = this.#spaced ? ` ${filler} ` : filler;
        const tail = this.#spaced ? ` ${filler}` : filler;
        if (current.startsWith(head) && current.length > head.length) {
          current = this.#spaced ? current.slice(head.length - 1) : current.slice(head.length);
          changed = true;
        } else if (current.endsWith(tail) && current.length > tail.length + (this.#spaced ? 1 : 0)) {
          current = current.slice(0, current.length - tail.length);
          changed = true;
        }
      }
    }
    return current;
  }
}

/** The stretch of the original text that prepares to `normal` ("Call Anna" for "call anna", "appeler Anna" in "d'appeler Anna"). */
function originalSpan(original: string, normal: string, language: string, spaced: boolean): string | null {
  const chars = [...original];
  const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{M}\p{N}]/u.test(c);
  const indices = chars.map((_, i) => i);
  const starts = indices.filter((i) => isWord(chars[i]) && (!spaced || !isWord(chars[i - 1])));
  const ends = indices.map((i) => i + 1).filter((j) => isWord(chars[j - 1]) && (!spaced || !isWord(chars[j])));
  const target = normal.replace(/ /g, '');
  for (const start of starts) {
    for (const end of ends) {
      if (end <= start) continue;
      const span = chars.slice(start, end).join('');
      const prepared = prepareText(span, language).replace(/ /g, '');
      if (prepared === target) return span;
      if (prepared.length > target.length) break;
    }
  }
  return null;
}

const grammars = new LocaleCache((language, dir) => new TimersGrammar(language, dir));

/** The grammar of a language (English for codes Kiwi does not speak); loaded once, then cached. */
export function grammarFor(language: string): TimersGrammar {
  return grammars.get(language);
}
