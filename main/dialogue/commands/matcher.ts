import { LANGUAGES } from '../../contract/languages.ts';
import { LocaleCache } from '../../i18n/locale-file.ts';
import { loadCommandLocale, localesDir, PHRASE_KEYS, BUILTIN_SOULS, type CommandLocale, type PhraseKey } from './locale.ts';
import { allowedEdits, editDistance, normalizeText, spacingOf, titleCase } from './normalize.ts';
import { matchableText } from './pattern.ts';

/** What a built-in command was recognised as (`default_soul` phrases become `switch_soul` with soul `default`). */
export type CommandName = Exclude<PhraseKey, 'default_soul'>;

export interface CommandMatch {
  name: CommandName;
  /** `language`: a language code; `soul`: a soul id; `name`: a person's name as it should be stored. */
  args: Record<string, string>;
  /** The locale phrase that matched, for logs and tests. */
  phrase: string;
}

/** A soul as the matcher needs it: built-in ids also match the names each language has for them. */
export interface SoulRef {
  id: string;
  name: string;
}

export interface MatchOptions {
  /** The souls that exist; without it, the built-in souls. A soul slot that names none of them is no match. */
  souls?: readonly SoulRef[];
}

const MAX_NAME_WORDS = 3;
const MAX_NAME_CHARS = 40;

/**
 * Recognises built-in commands from the phrase lists in resources/locales/<lang>/commands.json.
 * Locales load (synchronously: a few small files, once) on first use and stay cached.
 */
export class CommandMatcher {
  readonly #locales = new LocaleCache(loadCommandLocale);

  constructor(private readonly dir = localesDir) {}

  /** The locale for a language code; codes Kiwi does not speak fall back to English. */
  locale(language: string): CommandLocale {
    return this.#locales.get(language, this.dir);
  }

  /** Load every language now, so a broken file fails at start-up rather than mid-conversation. */
  loadAll(): void {
    for (const language of LANGUAGES) this.locale(language);
  }

  match(text: string, language: string, options: MatchOptions = {}): CommandMatch | null {
    const locale = this.locale(language);
    const full = matchableText(text, locale.language);
    if (!full.trim()) return null;
    // Fillers at the edges first; then fillers anywhere ("sei bitte still"), in languages with word spaces.
    const candidates = [...new Set([trimFillers(full, locale), full, dropFillers(full, locale)])];
    for (const key of PHRASE_KEYS) {
      for (const phrase of locale.phrases[key]) {
        for (const candidate of candidates) {
          const found = phrase.regex.exec(candidate);
          if (!found) continue;
          const args = resolveSlots(found.groups ?? {}, locale, options, text);
          if (!args) continue;
          if (key === 'default_soul') return { name: 'switch_soul', args: { soul: 'default' }, phrase: phrase.source };
          return { name: key, args, phrase: phrase.source };
        }
      }
    }
    return null;
  }
}

const fillerCache = new WeakMap<CommandLocale, string[]>();

/** The locale's filler words, normalised, longest first (so "can you please" goes before "please"). */
function fillersOf(locale: CommandLocale): string[] {
  let fillers = fillerCache.get(locale);
  if (!fillers) {
    fillers = locale.file.fillers
      .map((f) => normalizeText(f, locale.language))
      .filter(Boolean)
      .sort((a, b) => b.length - a.length);
    fillerCache.set(locale, fillers);
  }
  return fillers;
}

function trimFillers(text: string, locale: CommandLocale): string {
  const words = spacingOf(locale.language) === 'words';
  const fillers = fillersOf(locale);
  let current = text;
  for (let changed = true; changed; ) {
    changed = false;
    for (const filler of fillers) {
      const head = words ? ` ${filler} ` : filler;
      const tail = words ? ` ${filler}` : filler;
      if (current.startsWith(head) && current.length > head.length) {
        current = words ? current.slice(head.length - 1) : current.slice(head.length);
        changed = true;
      } else if (current.endsWith(tail) && current.length > tail.length + (words ? 1 : 0)) {
        current = current.slice(0, current.length - tail.length);
        changed = true;
      }
    }
  }
  return current;
}

/** Every filler word removed wherever it stands; only where words are spaced (a CJK filler could be part of a word). */
function dropFillers(text: string, locale: CommandLocale): string {
  if (spacingOf(locale.language) !== 'words') return text;
  let current = `${text} `;
  for (const filler of fillersOf(locale)) current = current.split(` ${filler} `).join(' ');
  return current.trimEnd() || text;
}

/** Turn captured slot text into arguments; null when a slot names nothing known. */
function resolveSlots(
  groups: Record<string, string | undefined>,
  locale: CommandLocale,
  options: MatchOptions,
  original: string,
): Record<string, string> | null {
  const args: Record<string, string> = {};
  for (const [slot, raw] of Object.entries(groups)) {
    if (raw === undefined) continue;
    const value = raw.trim();
    let resolved: string | null;
    if (slot === 'language') resolved = closest(value, languageNames(locale), locale);
    else if (slot === 'soul') resolved = closest(value, soulNames(locale, options.souls), locale);
    else if (slot === 'name') resolved = personName(value, locale, original);
    else resolved = null;
    if (resolved === null) return null;
    args[slot] = resolved;
  }
  return args;
}

function languageNames(locale: CommandLocale): Array<[string, string]> {
  return LANGUAGES.flatMap((code) => locale.file.languages[code].map((alias): [string, string] => [code, alias]));
}

function soulNames(locale: CommandLocale, souls: readonly SoulRef[] | undefined): Array<[string, string]> {
  const list = souls ?? BUILTIN_SOULS.map((id) => ({ id, name: locale.file.souls[id].name }));
  return list.flatMap((soul) => {
    const local = (locale.file.souls as Record<string, { name: string; aliases: string[] } | undefined>)[soul.id];
    const names = [soul.id, soul.name, ...(local ? [local.name, ...local.aliases] : [])];
    return names.map((name): [string, string] => [soul.id, name]);
  });
}

/** The id whose name is nearest to what was said, within a few edits; exact matches win. */
function closest(said: string, names: Array<[string, string]>, locale: CommandLocale): string | null {
  const squash = (s: string) => normalizeText(s, locale.language).replace(/ /g, '');
  const target = squash(said);
  if (!target) return null;
  let best: { id: string; distance: number } | null = null;
  for (const [id, name] of names) {
    const candidate = squash(name);
    const max = allowedEdits(Math.min(candidate.length, target.length));
    const distance = editDistance(target, candidate, max);
    if (distance <= max && (!best || distance < best.distance)) best = { id, distance };
    if (distance === 0) break;
  }
  return best?.id ?? null;
}

/**
 * A spoken name as it should be stored: at most three words, letters required, written as in the
 * transcript (Ayşe, Пётр, أحمد: normalisation is for matching only), capitalised where the script has case.
 */
function personName(said: string, locale: CommandLocale, original: string): string | null {
  const words = said.split(' ').filter(Boolean);
  if (words.length === 0 || words.length > MAX_NAME_WORDS || said.length > MAX_NAME_CHARS) return null;
  if (!/\p{L}/u.test(said)) return null;
  const written = originalSpan(original, said, locale.language) ?? said;
  return titleCase(written, locale.file.intl_locale);
}

/** The part of the original text whose normalised form is `normal`, searched from the end (names come last). */
function originalSpan(original: string, normal: string, language: string): string | null {
  const chars = [...original];
  const isLetter = (c: string | undefined) => c !== undefined && /[\p{L}\p{M}\p{N}]/u.test(c);
  const spaced = spacingOf(language) === 'words';
  const starts = chars.map((_, i) => i).filter((i) => isLetter(chars[i]) && (!spaced || !isLetter(chars[i - 1])));
  const ends = chars.map((_, i) => i + 1).filter((j) => isLetter(chars[j - 1]) && (!spaced || !isLetter(chars[j])));
  for (const start of starts.reverse()) {
    for (const end of ends) {
      if (end <= start) continue;
      if (end - start > MAX_NAME_CHARS * 2) break; // a name is short; keeps the search small on long utterances
      const span = chars.slice(start, end).join('');
      if (normalizeText(span, language) === normal) return span.replace(/\s+/gu, ' ');
    }
  }
  return null;
}

let shared: CommandMatcher | null = null;

/** The process-wide matcher over resources/locales. */
export function defaultMatcher(): CommandMatcher {
  shared ??= new CommandMatcher();
  return shared;
}

/** Recognise a built-in command in a transcript; null when it is not one (the router passes it on). */
export function matchCommand(text: string, language: string, options?: MatchOptions): CommandMatch | null {
  return defaultMatcher().match(text, language, options);
}
