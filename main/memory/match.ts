import type { LanguageCode } from '../contract/languages.ts';
import { defaultMatcher, type CommandMatcher } from '../dialogue/commands/matcher.ts';
import { normalizeText, spacingOf } from '../dialogue/commands/normalize.ts';
import type { CompiledPhrase } from '../dialogue/commands/pattern.ts';
import { LocaleCache } from '../i18n/locale-file.ts';
import { loadMemoryLocale, MEMORY_PHRASE_KEYS, type MemoryLocale, type MemoryPhraseKey } from './locale.ts';

export interface MemoryMatch {
  name: MemoryPhraseKey;
  /** `remember`: the fact as it was said (original case and punctuation inside it), trimmed. */
  fact?: string;
  phrase: string;
}

/**
 * Recognises the memory commands ("remember that …", "what do you remember about me", "forget
 * that", "forget everything about me") with the built-in commands' phrase syntax and
 * normalisation. A phrase matches the whole utterance, after the language's filler words
 * ("please", "Kiwi") are trimmed from its start (and, except for a fact, from its end).
 */
export class MemoryMatcher {
  readonly #locales = new LocaleCache(loadMemoryLocale);
  readonly #indexed = new WeakMap<CompiledPhrase, RegExp>();

  constructor(
    private readonly commands: CommandMatcher = defaultMatcher(),
    private readonly dir?: string,
  ) {}

  /** The locale for a language code; codes Kiwi does not speak fall back to English. */
  locale(language: string): MemoryLocale {
    return this.#locales.get(language, this.dir);
  }

  /** BCP 47 tag of the language (for list formatting), from its commands.json. */
  intlLocale(language: string): string {
    return this.commands.locale(language).file.intl_locale;
  }

  match(text: string, language: string): MemoryMatch | null {
    const locale = this.locale(language);
    const mapped = mapNormalized(text, locale.language);
    if (!mapped.normal) return null;
    const fillers = this.#fillers(locale.language);
    const words = spacingOf(locale.language) === 'words';
    const start = trimStart(mapped.normal, fillers, words);
    const end = trimEnd(mapped.normal, start, fillers, words);
    if (this.#reminisces(locale, mapped.normal, start, end, words)) return null;
    for (const key of MEMORY_PHRASE_KEYS) {
      // A fact keeps its last words ("remember that I always say thank you"), unless punctuation set them
      // apart as an aside: "remember that I'm vegetarian, please".
      const aside = end < mapped.normal.length && /\p{P}/u.test(text.slice(mapped.from[end - 1]![1], mapped.from[words ? end + 1 : end]?.[0]));
      const windows: Array<[number, number]> = key === 'remember' && !aside ? [[start, mapped.normal.length]] : [[start, end], [start, mapped.normal.length]];
      for (const phrase of locale.phrases[key]) {
        for (const [from, to] of windows) {
          const pad = words ? 1 : 0;
          const found = this.#regex(phrase).exec((words ? ' ' : '') + mapped.normal.slice(from, to));
          if (!found) continue;
          if (key !== 'remember') return { name: key, phrase: phrase.source };
          const [a, b] = found.indices!.groups!.fact!;
          const fact = originalText(text, mapped, from + a - pad, from + b - pad);
          if (!fact) continue;
          // "Remember that time we went to Rome?" asks about a memory; it is not a fact to keep.
          // ("Remember that I like tea, please?" and "… tea please?" stay requests: the mark follows a filler word.)
          const factEnd = from + b - pad;
          if (!(factEnd > end && end < mapped.normal.length) && asksQuestion(text, mapped, factEnd)) return null;
          return { name: key, fact, phrase: phrase.source };
        }
      }
    }
    return null;
  }

  /** "Remember that time we went to Rome": a reminiscing phrase covers the utterance, with or without its trailing fillers. */
  #reminisces(locale: MemoryLocale, normal: string, start: number, end: number, words: boolean): boolean {
    const pad = words ? ' ' : '';
    return locale.reminiscing.some((phrase) => [end, normal.length].some((to) => phrase.regex.test(pad + normal.slice(start, to))));
  }

  /** The phrase's regex with match indices, so the fact can be cut from the original text. */
  #regex(phrase: CompiledPhrase): RegExp {
    let regex = this.#indexed.get(phrase);
    if (!regex) {
      regex = new RegExp(phrase.regex.source, 'ud');
      this.#indexed.set(phrase, regex);
    }
    return regex;
  }

  #fillers(language: LanguageCode): string[] {
    return this.commands
      .locale(language)
      .file.fillers.map((f) => normalizeText(f, language))
      .filter(Boolean)
      .sort((a, b) => b.length - a.length);
  }
}

/** Where the leading fillers end (at a word boundary), repeatedly: "hey kiwi please remember …". */
function trimStart(normal: string, fillers: string[], words: boolean): number {
  let at = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (const filler of fillers) {
      const rest = normal.slice(at);
      if (rest.startsWith(filler) && rest.length > filler.length && (!words || rest[filler.length] === ' ')) {
        at += filler.length + (words ? 1 : 0);
        changed = true;
      }
    }
  }
  return at;
}

function trimEnd(normal: string, start: number, fillers: string[], words: boolean): number {
  let end = normal.length;
  for (let changed = true; changed; ) {
    changed = false;
    for (const filler of fillers) {
      const head = normal.slice(start, end);
      if (head.endsWith(filler) && head.length > filler.length && (!words || head[head.length - filler.length - 1] === ' ')) {
        end -= filler.length + (words ? 1 : 0);
        changed = true;
      }
    }
  }
  return end;
}

interface Mapped {
  /** normalizeText(text), or '' when it could not be mapped character by character. */
  normal: string;
  /** For each character of `normal`: the [start, end) range in the original text it came from (a space: the gap). */
  from: Array<[number, number]>;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const isGap = (g: string) => /^[\s\p{P}\p{S}]+$/u.test(g);

/**
 * normalizeText, done one grapheme at a time so every normalised character knows where in the
 * original it came from. It is checked against normalizeText of the whole text; when they
 * differ (a character whose normalisation depends on its neighbours), nothing is matched here
 * rather than cutting a fact at the wrong place.
 */
export function mapNormalized(text: string, language: string): Mapped {
  const none = spacingOf(language) === 'none';
  let normal = '';
  const from: Array<[number, number]> = [];
  for (const { segment, index } of segmenter.segment(text)) {
    const range: [number, number] = [index, index + segment.length];
    if (isGap(segment)) {
      if (!none && normal && !normal.endsWith(' ')) {
        normal += ' ';
        from.push(range);
      }
      continue;
    }
    for (const c of normalizeText(segment, language)) {
      normal += c;
      from.push(range);
    }
  }
  if (normal.endsWith(' ')) {
    normal = normal.slice(0, -1);
    from.pop();
  }
  if (normal !== normalizeText(text, language)) return { normal: '', from: [] };
  return { normal, from };
}

/** Question marks of the 15 languages' scripts: Latin and Cyrillic, full-width (zh, ja, ko), Arabic. */
const QUESTION_MARK = /[?？؟]/u;

/**
 * Whether the fact that ends at normalised position `end` is followed straight away by a question
 * mark ("… to Rome?"), rather than by an aside ("…, okay?") or nothing.
 */
function asksQuestion(text: string, mapped: Mapped, end: number): boolean {
  if (end <= 0) return false;
  const after = /^[\s\p{P}\p{S}]*/u.exec(text.slice(mapped.from[end - 1]![1]))![0];
  const mark = after.search(QUESTION_MARK);
  return mark >= 0 && !/[,،、，;:—–-]/u.test(after.slice(0, mark));
}

/** The original text behind normalised characters [a, b), without the punctuation and spaces around it. */
function originalText(text: string, mapped: Mapped, a: number, b: number): string {
  if (a >= b) return '';
  const span = text.slice(mapped.from[a]![0], mapped.from[b - 1]![1]);
  return span.replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '').replace(/\s+/gu, ' ');
}
