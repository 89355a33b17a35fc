import { durationAt } from './duration.ts';
import type { Idiom } from './idioms.ts';
import { has, meaning, type Token } from './lexicon.ts';
import type { DAY_WORDS, Period } from './locale.ts';
import { numberReadings } from './numbers.ts';

/** What a time expression said, before it is placed on the calendar (resolve.ts does that). */
export interface WhenSpec {
  /** "in 20 minutes" */
  relativeMs?: number;
  hour?: number;
  minute?: number;
  /** The hour could be either half of the day (7 → 7:00 or 19:00): no am/pm, no 24-hour form. */
  ambiguous?: boolean;
  period?: Period;
  day?: (typeof DAY_WORDS)[number];
  /** A one-off weekday, 0 Sunday ... 6 Saturday. */
  weekday?: number;
  /** Repeats on these weekdays. */
  recurDays?: number[];
}

interface Part {
  end: number;
  apply(spec: WhenSpec): boolean;
}

const setOnce = <K extends keyof WhenSpec>(spec: WhenSpec, key: K, value: WhenSpec[K]): boolean => {
  if (spec[key] !== undefined) return false;
  spec[key] = value;
  return true;
};

function clockPart(end: number, hour: number, minute: number, explicit24: boolean): Part | null {
  if (hour > 24 || minute > 59 || !Number.isInteger(hour) || !Number.isInteger(minute)) return null;
  if (hour === 24 && minute > 0) return null;
  return {
    end,
    apply: (spec) => {
      if (spec.hour !== undefined) return false;
      spec.hour = hour % 24;
      spec.minute = minute;
      spec.ambiguous = !explicit24 && hour >= 1 && hour <= 12;
      return true;
    },
  };
}

/** "7", "7:30", "7 o'clock", "saat 7", "7 uhr 30", "7時30分", "7 बजकर 30 मिनट". */
function clockAt(tokens: readonly Token[], i: number): Part[] {
  const parts: Part[] = [];
  let j = i;
  const before = has(tokens[j], 'hour_before');
  if (before) j++;
  const literal = meaning(tokens[j], 'clock');
  if (literal) {
    const end = has(tokens[j + 1], 'hour_after') ? j + 2 : j + 1;
    const part = clockPart(end, literal.hour, literal.minute, literal.hour > 12 || tokens[j]!.text.startsWith('0'));
    if (part) parts.push(part);
  }
  for (const hour of numberReadings(tokens, j)) {
    let k = hour.end;
    const after = has(tokens[k], 'hour_after');
    if (after) k++;
    const explicit = hour.zeroPadded || hour.value > 12 || hour.value === 0;
    const bare = clockPart(k, hour.value, 0, explicit);
    if (bare) parts.push(bare);
    for (const minute of numberReadings(tokens, k)) {
      if (!after && !before && minute.value < 10 && !minute.zeroPadded) continue; // "7 5" is no clock time
      const end = has(tokens[minute.end], 'minute_after') ? minute.end + 1 : minute.end;
      const part = clockPart(end, hour.value, minute.value, explicit);
      if (part) parts.push(part);
    }
  }
  return parts;
}

/** Literal text of the tokens from `i` spelling `literal` exactly: returns the index after them. */
function spell(tokens: readonly Token[], i: number, literal: string, spaced: boolean): number | null {
  let text = '';
  for (let j = i; j < tokens.length; j++) {
    text = text ? text + (spaced ? ' ' : '') + tokens[j]!.text : tokens[j]!.text;
    if (text === literal) return j + 1;
    if (!literal.startsWith(text)) return null;
  }
  return null;
}

/** "half past seven", "halb acht", "без четверти восемь", "七点半", "साढ़े सात". */
function idiomAt(tokens: readonly Token[], i: number, idiom: Idiom, spaced: boolean): Part[] {
  const parts: Part[] = [];
  const walk = (items: Idiom['variants'][number], k: number, j: number, h: number | null, m: number | null) => {
    if (k === items.length) {
      if (h === null) return;
      const said = idiom.minute === 'm' ? m! : idiom.minute;
      const hour = idiom.before ? (h + 23) % 24 : h;
      const minute = idiom.before ? (60 - said) % 60 : said;
      if (idiom.before && said === 0) return;
      const part = clockPart(j, hour, minute, h > 12 || h === 0);
      if (part && h <= 24 && said < 60) parts.push(part);
      return;
    }
    const item = items[k]!;
    if ('literal' in item) {
      const end = spell(tokens, j, item.literal, spaced);
      if (end !== null) walk(items, k + 1, end, h, m);
      return;
    }
    for (const r of numberReadings(tokens, j)) walk(items, k + 1, r.end, item.slot === 'h' ? r.value : h, item.slot === 'm' ? r.value : m);
  };
  for (const variant of idiom.variants) walk(variant, 0, i, null, null);
  return parts;
}

/** Every reading of a time-expression part starting at token `i`. */
function partsAt(tokens: readonly Token[], i: number, idioms: readonly Idiom[], spaced: boolean): Part[] {
  const token = tokens[i]!;
  const parts: Part[] = [];
  if (has(token, 'relative_before')) {
    const d = durationAt(tokens, i + 1);
    if (d) parts.push({ end: d.end, apply: (spec) => setOnce(spec, 'relativeMs', d.ms) });
  }
  const d = durationAt(tokens, i);
  if (d && has(tokens[d.end], 'relative_after')) parts.push({ end: d.end + 1, apply: (spec) => setOnce(spec, 'relativeMs', d.ms) });
  for (const idiom of idioms) {
    parts.push(...idiomAt(tokens, i, idiom, spaced));
    if (has(token, 'hour_before')) parts.push(...idiomAt(tokens, i + 1, idiom, spaced)); // "saat yedi buçuk", "jam setengah delapan"
  }
  parts.push(...clockAt(tokens, i));
  for (const m of token.meanings) {
    const end = i + 1;
    if (m.type === 'noon' || m.type === 'midnight') {
      const hour = m.type === 'noon' ? 12 : 0;
      parts.push({
        end,
        apply: (spec) => {
          if (spec.hour !== undefined && !(spec.hour % 12 === hour % 12 && spec.minute === 0)) return false;
          spec.hour = hour;
          spec.minute = 0;
          spec.ambiguous = false;
          return true;
        },
      });
    } else if (m.type === 'period') parts.push({ end, apply: (spec) => setOnce(spec, 'period', m.period) });
    else if (m.type === 'day') {
      parts.push({
        end,
        apply: (spec) => {
          if (m.day !== 'tonight') return setOnce(spec, 'day', m.day);
          return setOnce(spec, 'day', 'today') && (spec.period === undefined || spec.period === 'evening' || spec.period === 'night') && ((spec.period ??= 'evening'), true);
        },
      });
    } else if (m.type === 'weekday') {
      parts.push({
        end,
        apply: (spec) => {
          // After "every monday", "and wednesday" adds to the repeat.
          if (spec.recurDays && spec.weekday === undefined) return addDays(spec, [m.day]);
          return setOnce(spec, 'weekday', m.day);
        },
      });
    } else if (m.type === 'weekday_recurring') parts.push({ end, apply: (spec) => addDays(spec, [m.day]) });
    else if (m.type === 'recurring') parts.push({ end, apply: (spec) => addDays(spec, m.days) });
    else if (m.type === 'every') {
      const next = meaning(tokens[i + 1], 'weekday') ?? meaning(tokens[i + 1], 'weekday_recurring');
      if (next) parts.push({ end: i + 2, apply: (spec) => addDays(spec, [next.day]) });
      if (has(tokens[i + 1], 'unit') && meaning(tokens[i + 1], 'unit')!.unit === 'day') parts.push({ end: i + 2, apply: (spec) => addDays(spec, [0, 1, 2, 3, 4, 5, 6]) });
    }
  }
  return parts;
}

function addDays(spec: WhenSpec, days: number[]): boolean {
  if (spec.weekday !== undefined || spec.day !== undefined) return false;
  spec.recurDays = [...new Set([...(spec.recurDays ?? []), ...days])].sort();
  return true;
}

/**
 * Read a whole time expression ("tomorrow at 6 pm", "on weekdays at 7:30", "in 20 minutes").
 * At each point the longest reading wins; words that only connect ("at", "on") are skipped.
 * Null when any word is left over or two parts contradict each other.
 */
export function parseWhen(tokens: readonly Token[], idioms: readonly Idiom[], spaced: boolean): WhenSpec | null {
  const spec: WhenSpec = {};
  let i = 0;
  let found = false;
  while (i < tokens.length) {
    const parts = partsAt(tokens, i, idioms, spaced);
    if (parts.length === 0) {
      if (!has(tokens[i], 'connector') && !has(tokens[i], 'duration_joiner') && !has(tokens[i], 'number_joiner')) return null;
      i++;
      continue;
    }
    const longest = Math.max(...parts.map((p) => p.end));
    const applied = parts.filter((p) => p.end === longest).some((p) => {
      const trial = structuredClone(spec);
      if (!p.apply(trial)) return false;
      Object.assign(spec, trial);
      return true;
    });
    if (!applied) return null;
    found = true;
    i = longest;
  }
  if (!found) return null;
  if (spec.relativeMs !== undefined && (spec.hour !== undefined || spec.day !== undefined || spec.weekday !== undefined || spec.recurDays)) return null;
  return spec;
}
