import { allowedDistance, phoneticKey, soundDistance } from './phonetic.ts';
import { LEADING_SEPARATORS, SOFT_SEPARATORS, TRAILING_SEPARATORS, fold, units, type Unit } from './text-units.ts';
import { wakeLexicon, wakeLocalesDir, type WakeFile } from './wake-lexicon.ts';

/**
 * Where in a transcript the wake word counts:
 * - `start` (default): at the start, after at most two greeting words ("Hey, Kiwi, ...");
 * - `vocative`: also as a name called at the end, set off by punctuation ("What time is it, Kiwi?");
 * - `anywhere`: any whole word(s) of the transcript.
 */
export type WakePolicy = 'start' | 'vocative' | 'anywhere';

export interface WakeMatch {
  matched: boolean;
  /** The transcript without the wake word (and its greeting), ready to be understood as a command. */
  command: string;
  /** How far what was heard is from the wake word (0 = a known spelling). */
  distance?: number;
}

export interface WakeMatchOptions {
  policy?: WakePolicy;
  /** Folder holding <lang>/wake.json (tests). */
  localesDir?: string;
  /**
   * How far what was heard may be from the wake word, by another measure than the default (the
   * two-stage wake's confirmation, confirm.ts). Known spellings, and keys in a script without a
   * reading (Han), still match exactly.
   */
  tolerance?: { distance: (heard: string, target: string) => number; allowed: number };
  /** More known spellings of the wake word, matched as written (the confirmation's confirm_spellings). */
  spellings?: readonly string[];
}

interface Target {
  key: string;
  allowed: number;
}

interface Span {
  from: number;
  /** Index after the last unit. */
  to: number;
  /** Where the wake word ends in the text (a particle after it included). */
  end: number;
  distance: number;
}

const MAX_PREFIXES = 2;

/**
 * Finds the wake word in a transcript: known spellings per language (resources/locales/<lang>/
 * wake.json) and sound-alike matching across scripts ("Kiwi", "key we", "киви", "キウイ", "किवी"),
 * so a wake word the user picked ("computer", "jarvis") works too. Returns the command: the rest
 * of the transcript ("Kiwi, what time is it?" → "what time is it?").
 */
export function matchWakeWord(transcript: string, wakeWord: string, language: string, options: WakeMatchOptions = {}): WakeMatch {
  const policy = options.policy ?? 'start';
  const lexicon = wakeLexicon(language, options.localesDir ?? wakeLocalesDir);
  const targets = targetsFor(wakeWord, lexicon, options.localesDir ?? wakeLocalesDir, language, options.spellings ?? []);
  const all = units(transcript);
  if (!all.length || !targets.length) return { matched: false, command: transcript.trim() };
  const suffixes = lexicon.flatMap((f) => f.suffixes);

  for (const from of startPositions(all, lexicon)) {
    const span = spanAt(all, from, targets, suffixes, transcript, options.tolerance);
    if (span) return { matched: true, command: transcript.slice(span.end).replace(LEADING_SEPARATORS, '').trim(), distance: span.distance };
  }
  if (policy === 'start') return { matched: false, command: transcript.trim() };

  for (let from = 1; from < all.length; from += 1) {
    const span = spanAt(all, from, targets, suffixes, transcript, options.tolerance);
    if (!span) continue;
    if (policy === 'anywhere' || (span.to === all.length && all[from]!.breakBefore)) {
      return { matched: true, command: joinAround(transcript.slice(0, all[from]!.start), transcript.slice(span.end)), distance: span.distance };
    }
  }
  return { matched: false, command: transcript.trim() };
}

/** The command around a wake word cut from its middle or end: "what time is it, Kiwi?" → "what time is it?". */
function joinAround(before: string, after: string): string {
  const head = before.replace(TRAILING_SEPARATORS, '');
  const tail = after.replace(SOFT_SEPARATORS, '');
  return (/^[\p{L}\p{N}]/u.test(tail) && head ? `${head} ${tail}` : head + tail).trim();
}

/** Where the wake word may begin: the start, and after each greeting word(s) at the start. */
function startPositions(all: Unit[], lexicon: WakeFile[]): number[] {
  const prefixes = [...new Set(lexicon.flatMap((f) => f.prefixes))]
    .map((p) => units(p).map((u) => fold(u.text)))
    .sort((a, b) => b.length - a.length);
  const out = [0];
  let at = 0;
  for (let skipped = 0; skipped < MAX_PREFIXES; skipped += 1) {
    const prefix = prefixes.find((p) => p.length && p.every((word, i) => all[at + i] && fold(all[at + i]!.text) === word));
    if (!prefix) break;
    at += prefix.length;
    out.push(at);
  }
  return out;
}

/** The best wake-word span starting at unit `from`, if any. */
function spanAt(all: Unit[], from: number, targets: Target[], suffixes: string[], text: string, tolerance: WakeMatchOptions['tolerance']): Span | null {
  const longest = Math.max(...targets.map((t) => [...t.key].length));
  let best: Span | null = null;
  for (let to = from + 1; to <= all.length; to += 1) {
    if (to - 1 > from && all[to - 1]!.breakBefore) break; // a name is not split by punctuation
    const heard = text.slice(all[from]!.start, all[to - 1]!.end);
    if ([...phoneticKey(heard)].length > longest + 3) break; // already far longer than any form of the wake word
    if (!boundaryAfter(all, to)) continue;
    for (const form of [heard, ...suffixes.filter((s) => heard.endsWith(s) && heard.length > s.length).map((s) => heard.slice(0, -s.length))]) {
      const key = phoneticKey(form);
      for (const target of targets) {
        // Spellings stay exact under a tolerance too: fuzziness must not stack ("key we" → "give").
        const tolerant = tolerance && target.allowed > 0;
        const distance = tolerant ? tolerance.distance(key, target.key) : soundDistance(key, target.key);
        if (distance <= (tolerant ? tolerance.allowed : target.allowed) && (!best || distance < best.distance)) {
          best = { from, to, end: all[to - 1]!.end, distance };
        }
      }
    }
  }
  return best;
}

/**
 * Characters of Chinese and Japanese are units of their own, so a wake word written in them must
 * end where a word plausibly ends: at punctuation, a space, the end, or a change of script
 * ("キウイ今何時" ends at the kanji; "奇异的事情" — "strange things" — never matches "奇异").
 */
function boundaryAfter(all: Unit[], to: number): boolean {
  const last = all[to - 1]!;
  const next = all[to];
  if (last.script === 'other' || !next) return true;
  return next.breakBefore || next.start > last.end || next.script !== last.script;
}

const targetCache = new Map<string, Target[]>();

/** The keys the wake word may be heard as: itself, without a leading greeting, and its spellings. */
function targetsFor(wakeWord: string, lexicon: WakeFile[], dir: string, language: string, extra: readonly string[]): Target[] {
  const cacheKey = `${dir}\u0000${language}\u0000${wakeWord}\u0000${extra.join('\u0000')}`;
  const cached = targetCache.get(cacheKey);
  if (cached) return cached;
  // The wake word as configured (and without a leading greeting) is matched by sound; known
  // spellings only as written, so fuzziness never stacks ("key we" is a spelling, "give" is not).
  const fuzzy = [wakeWord];
  const words = wakeWord.trim().split(/\s+/);
  const prefixes = new Set(lexicon.flatMap((f) => f.prefixes.map(fold)));
  if (words.length > 1 && prefixes.has(fold(words[0]!))) fuzzy.push(words.slice(1).join(' '));
  const own = phoneticKey(wakeWord);
  // "Kiwi", "KIWI" and "киви" as the configured wake word all find the spellings of "kiwi".
  const spelled = [...lexicon.flatMap((file) => Object.entries(file.spellings).flatMap(([word, list]) => (phoneticKey(word) === own ? list : []))), ...extra];
  const targets = new Map<string, Target>();
  for (const [forms, exact] of [[fuzzy, false], [spelled, true]] as const) {
    for (const form of forms) {
      const key = phoneticKey(form);
      if (key && !targets.has(key)) targets.set(key, { key, allowed: exact ? 0 : allowedDistance(key) });
    }
  }
  const list = [...targets.values()];
  targetCache.set(cacheKey, list);
  return list;
}
