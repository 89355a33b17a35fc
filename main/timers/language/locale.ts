import { z } from 'zod';
import type { LanguageCode as Language } from '../../contract/languages.ts';
import { everyKey, loadLocaleFile, localeFilePath, localeLanguage, localesDir } from '../../i18n/locale-file.ts';

/**
 * resources/locales/<lang>/timers.json: the phrases that set, query and stop timers, alarms and
 * reminders, the words of time expressions (numbers, units, clock words, days) and the replies.
 * Every language has every key (an empty list where the language has no such word).
 */

/** Intents in the order they are tried: specific phrasings first, short ones ("stop") last. */
export const INTENTS = ['snooze', 'set_reminder', 'set_alarm', 'set_timer', 'cancel_all', 'cancel', 'time_left', 'list', 'stop'] as const;
export type Intent = (typeof INTENTS)[number];

/** Slots each intent's phrases must (required) or may (optional) use. */
export const INTENT_SLOTS: Record<Intent, { required: string[]; optional: string[] }> = {
  snooze: { required: [], optional: ['duration'] },
  set_reminder: { required: ['task', 'when'], optional: [] },
  set_alarm: { required: ['when'], optional: ['label'] },
  set_timer: { required: ['duration'], optional: ['label'] },
  cancel_all: { required: [], optional: ['kind'] },
  cancel: { required: ['kind'], optional: ['label'] },
  time_left: { required: [], optional: ['label'] },
  list: { required: [], optional: ['kind'] },
  stop: { required: [], optional: [] },
};

export const REPLY_KEYS = [
  'timer_set',
  'timer_set_label',
  'need_unit',
  'alarm_set',
  'alarm_set_label',
  'alarm_set_recurring',
  'reminder_set',
  'reminder_set_recurring',
  'time_left',
  'time_left_label',
  'no_timers',
  'list',
  /** More than LIST_MAX items: how many, and the next three (the whole list is too long to listen to). */
  'list_many',
  'list_none',
  'item_timer',
  'item_timer_label',
  'item_alarm',
  'item_alarm_label',
  'item_reminder',
  'cancelled',
  'cancelled_all',
  /** "Cancel all" of more than LIST_MAX items: how many, not each one. */
  'cancelled_many',
  'not_found',
  'which_one',
  'which_one_many',
  'not_allowed',
  'snoozed',
  'nothing_ringing',
  'ring_timer',
  'ring_timer_label',
  'ring_alarm',
  'ring_alarm_label',
  'ring_reminder',
  'ring_reminder_named',
  'missed_timer',
  'missed_timer_label',
  'missed_alarm',
  'missed_reminder',
  'need_time',
  'time_passed',
  'too_long',
  'day_time',
  'every_day',
  'on_weekdays',
  'on_weekends',
  'every_days',
] as const;
export type ReplyKey = (typeof REPLY_KEYS)[number];

export const PERIODS = ['am', 'pm', 'morning', 'afternoon', 'evening', 'night'] as const;
export type Period = (typeof PERIODS)[number];
export const DAY_WORDS = ['today', 'tomorrow', 'day_after_tomorrow', 'tonight'] as const;
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const RECURRING_SETS = ['every_day', 'weekdays', 'weekends'] as const;
export const UNITS = ['second', 'minute', 'hour', 'day'] as const;
export type Unit = (typeof UNITS)[number];

const word = z.string().min(1).max(60);
const words = z.array(word);
const record = <K extends string>(keys: readonly K[]) => everyKey(keys, words);
const phraseList = z.array(z.string().min(1).max(200)).min(1);

const TimeWords = z
  .object({
    /** Number words with their values (ordinals too, where hours are said with them). */
    numbers: z.record(word, z.number().min(0).max(1000)),
    /** Words that multiply what comes before them (hundred, 十, puluh). */
    multipliers: z.record(word, z.number().min(10).max(1000)),
    /** Words between the parts of one number ("vingt et un", "treinta y cinco"). */
    number_joiners: words,
    /** Number words may be written together ("fünfundzwanzig", "venticinque"). */
    compound_numbers: z.boolean(),
    /** Letters that may be glued to the front of a word ("و" in Arabic). */
    word_prefixes: words,
    units: record(UNITS),
    /** Words that are an amount and a unit in one ("half an hour", "полчаса", "ساعتين"). */
    unit_amounts: z.array(z.object({ words: words.min(1), unit: z.enum(UNITS), amount: z.number().positive() }).strict()),
    /** Amounts said as words before a unit ("half", "полтора", "डेढ़"). */
    fractions: z.record(word, z.number().positive().max(100)),
    half_after_number: words,
    half_after_unit: words,
    half_before_number: words,
    duration_joiners: words,
    /** Counting words between a number and its unit (Chinese 个). */
    classifiers: words,
    /** "in 10 minutes" / "10 minutes from now". */
    relative_before: words,
    relative_after: words,
    /** Words around the hour of a clock time ("saat 7", "7 o'clock", "7時"), and after its minutes ("30分"). */
    hour_before: words,
    hour_after: words,
    minute_after: words,
    periods: record(PERIODS),
    noon: words,
    midnight: words,
    /** Clock idioms: {h} the hour said, {m} minutes; `before`: that many minutes before the hour ("quarter to eight"). */
    clock_idioms: z.array(
      z.object({ pattern: z.string().min(1).max(80), minute: z.union([z.number().int().min(0).max(59), z.literal('m')]), before: z.boolean().optional() }).strict(),
    ),
    days: record(DAY_WORDS),
    weekdays: record(WEEKDAYS),
    /** Weekday forms that mean "every such day" ("mondays", "montags", "по понедельникам"). */
    weekdays_recurring: record(WEEKDAYS),
    /** Words that make the following weekday recurring ("every", "jeden"). */
    every: words,
    recurring: record(RECURRING_SETS),
    /** Words allowed around the parts of a time expression ("at", "on", "um", "в", "に"). */
    connectors: words,
  })
  .strict();
export type TimeWords = z.infer<typeof TimeWords>;

/**
 * The answer to "which one do you mean?": ordinal words ("the second one") and the words around a
 * label that are no part of it ("the", "one", "that": "the pasta one"). Ordinals are whole answers.
 */
export const CHOICE_KEYS = ['first', 'second', 'third', 'last', 'fillers'] as const;

const TimersFile = z
  .object({
    phrases: everyKey(INTENTS, phraseList),
    choice: everyKey(CHOICE_KEYS, words),
    /** How the language names each kind (singular and plural forms). */
    kinds: z.object({ timer: words.min(1), alarm: words.min(1), reminder: words.min(1) }).strict(),
    time: TimeWords,
    replies: everyKey(REPLY_KEYS, z.string().min(1)),
  })
  .strict();
export type TimersFile = z.infer<typeof TimersFile>;

export const timersFile = (language: string, dir = localesDir) => localeFilePath('timers', language, dir);

/** Read and validate one language's timers.json; a broken file is a KiwiError naming file and problem. */
export function readTimersFile(language: Language, dir = localesDir): TimersFile {
  return loadLocaleFile('timers', language, TimersFile, { dir });
}

/** Codes Kiwi does not speak fall back to English. */
export const asLanguage = (language: string): Language => localeLanguage(language);
