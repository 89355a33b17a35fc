import { defaultMatcher } from '../dialogue/commands/matcher.ts';
import { formatList, formatTime } from '../dialogue/commands/replies.ts';
import { fillReply } from '../i18n/replies.ts';
import { grammarFor } from './language/grammar.ts';
import type { ReplyKey } from './language/locale.ts';
import type { TimerItem } from './types.ts';
import { wallParts } from './zoned.ts';

/**
 * Languages that say a duration's parts one after the other, without "and": "1時間30分",
 * "1小时30分钟", "1시간 30분" (a list with 和 / 、 / 및 reads as two separate things).
 */
const RUN_ON_DURATIONS = new Set(['zh', 'ja', 'ko']);

/**
 * What Kiwi says about timers, in one language: replies from timers.json with durations, times,
 * days and lists put into words by Intl (plural forms included), in the configured time zone.
 */
export class TimerSpeech {
  readonly #replies: Record<ReplyKey, string>;
  readonly #intl: string;
  readonly #cycle: 'h12' | 'h23';

  constructor(
    readonly language: string,
    private readonly timeZone: string,
  ) {
    this.#replies = grammarFor(language).file.replies;
    const commands = defaultMatcher().locale(language).file;
    this.#intl = commands.intl_locale;
    this.#cycle = commands.hour_cycle;
  }

  say(key: ReplyKey, values: Record<string, string> = {}): string {
    return fillReply(this.#replies[key], values, `Timer reply '${key}' (${this.language})`);
  }

  /** "1 hour and 5 minutes", "4 минуты", "30秒": whole seconds, rounded up so "1 second" shows until the end. */
  duration(ms: number): string {
    let seconds = Math.max(0, Math.ceil(ms / 1000));
    const hours = Math.floor(seconds / 3600);
    seconds -= hours * 3600;
    const minutes = Math.floor(seconds / 60);
    seconds -= minutes * 60;
    const unit = (value: number, name: string) =>
      new Intl.NumberFormat(this.#intl, { style: 'unit', unit: name, unitDisplay: 'long', numberingSystem: 'latn', maximumFractionDigits: 0 }).format(value);
    const parts = [hours ? unit(hours, 'hour') : '', minutes ? unit(minutes, 'minute') : '', seconds || (!hours && !minutes) ? unit(seconds, 'second') : ''].filter(Boolean);
    if (!RUN_ON_DURATIONS.has(this.language)) return this.list(parts);
    const joined = new Intl.ListFormat(this.#intl, { style: 'long', type: 'unit' }).format(parts);
    // Intl writes "1 時間 30 分" in Japanese; written Japanese and Chinese put no spaces there (Korean does).
    return joined.replace(/(?<=[\d\p{sc=Han}\p{sc=Hira}\p{sc=Kana}])\s+(?=[\d\p{sc=Han}\p{sc=Hira}\p{sc=Kana}])/gu, '');
  }

  time(ms: number): string {
    return formatTime(new Date(ms), this.#intl, this.#cycle, this.timeZone);
  }

  list(items: readonly string[]): string {
    return formatList(items, this.#intl);
  }

  /** "today at 6:00 PM", "tomorrow at 7:30 AM", "Monday at 9:00 AM", "March 30 at 9:00 AM". */
  when(at: number, now: number): string {
    const a = wallParts(at, this.timeZone);
    const b = wallParts(now, this.timeZone);
    const days = Math.round((Date.UTC(a.year, a.month - 1, a.day) - Date.UTC(b.year, b.month - 1, b.day)) / 86_400_000);
    let day: string;
    if (days === 0 || days === 1) day = new Intl.RelativeTimeFormat(this.#intl, { numeric: 'auto' }).format(days, 'day');
    else if (days > 1 && days < 7) day = new Intl.DateTimeFormat(this.#intl, { weekday: 'long', timeZone: this.timeZone }).format(at);
    else day = new Intl.DateTimeFormat(this.#intl, { month: 'long', day: 'numeric', timeZone: this.timeZone, numberingSystem: 'latn' }).format(at);
    return this.say('day_time', { day, time: this.time(at) });
  }

  /** "every day", "on weekdays", "every Monday and Wednesday". */
  days(days: readonly number[]): string {
    const set = [...days].sort().join(',');
    if (set === '0,1,2,3,4,5,6') return this.say('every_day');
    if (set === '1,2,3,4,5') return this.say('on_weekdays');
    if (set === '0,6') return this.say('on_weekends');
    const names = [...days]
      .sort((x, y) => ((x + 6) % 7) - ((y + 6) % 7)) // Monday first
      .map((d) => new Intl.DateTimeFormat(this.#intl, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2023, 0, 1 + d))); // 2023-01-01 was a Sunday
    return this.say('every_days', { days: this.list(names) });
  }

  /** An item in a list or a "which one?" question. */
  describe(item: TimerItem, now: number): string {
    if (item.kind === 'timer') {
      const duration = this.duration(item.next_at - now);
      return item.label ? this.say('item_timer_label', { label: item.label, duration }) : this.say('item_timer', { duration });
    }
    const when = item.days.length > 0 ? this.say('day_time', { day: this.days(item.days), time: this.time(item.next_at) }) : this.when(item.next_at, now);
    if (item.kind === 'alarm') return item.label ? this.say('item_alarm_label', { label: item.label, when }) : this.say('item_alarm', { when });
    return this.say('item_reminder', { when, task: item.task ?? '' });
  }

  /** The line spoken while an item rings. */
  ring(item: TimerItem, now: number): string {
    if (item.kind === 'timer') return item.label ? this.say('ring_timer_label', { label: item.label }) : this.say('ring_timer');
    if (item.kind === 'alarm') {
      const time = this.time(now);
      return item.label ? this.say('ring_alarm_label', { time, label: item.label }) : this.say('ring_alarm', { time });
    }
    const task = item.task ?? '';
    return item.owner_name ? this.say('ring_reminder_named', { name: item.owner_name, task }) : this.say('ring_reminder', { task });
  }

  /** The line that says an item came due while Kiwi was off. */
  missed(item: TimerItem): string {
    const time = this.time(item.next_at);
    if (item.kind === 'timer') return item.label ? this.say('missed_timer_label', { label: item.label, time }) : this.say('missed_timer', { time });
    if (item.kind === 'alarm') return this.say('missed_alarm', { time });
    return this.say('missed_reminder', { time, task: item.task ?? '' });
  }
}
