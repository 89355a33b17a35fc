import { fillReply } from '../../i18n/replies.ts';
import type { CommandLocale, ReplyKey } from './locale.ts';

/** A reply from the locale with its `{placeholders}` filled; a missing value is a bug, not a silent gap. */
export function say(locale: CommandLocale, key: ReplyKey, values: Record<string, string> = {}): string {
  return fillReply(locale.file.replies[key], values, `Reply '${key}' (${locale.language})`);
}

/** ICU puts narrow no-break spaces in some formats ("1:05\u202fPM"); TTS text normalisers expect plain ones. */
const spaces = (s: string) => s.replace(/\s/gu, ' ');

/**
 * Numbers are written with Latin digits in every language: every TTS voice reads them, while
 * Arabic-Indic digits are unknown to some. The time zone defaults to the system's.
 */
export function formatTime(date: Date, intlLocale: string, hourCycle: 'h12' | 'h23', timeZone?: string): string {
  const format = new Intl.DateTimeFormat(intlLocale, { hour: 'numeric', minute: '2-digit', hourCycle, timeZone, numberingSystem: 'latn' });
  return spaces(format.format(date));
}

export function formatDate(date: Date, intlLocale: string, timeZone?: string): string {
  const format = new Intl.DateTimeFormat(intlLocale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone,
    numberingSystem: 'latn',
  });
  return spaces(format.format(date));
}

/** "Anna, Bob and Carl" in the language's own way. */
export function formatList(items: readonly string[], intlLocale: string): string {
  return new Intl.ListFormat(intlLocale, { style: 'long', type: 'conjunction' }).format(items);
}
