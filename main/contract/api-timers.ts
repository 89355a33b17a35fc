import { z } from 'zod';
import { LanguageCode } from './languages.ts';
import { SpeakerId } from './api-speakers.ts';

/** Timers, alarms and reminders (main/timers): instants are ISO-8601 UTC, wall-clock times are in config clock.time_zone. */
export const TimerId = z.string().regex(/^tmr_[0-9]{1,12}$/, 'a timer id looks like tmr_001');
export const TimerKind = z.enum(['timer', 'alarm', 'reminder']);
export const Weekday = z.enum(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
const WallClock = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time of day looks like 07:30');
export const TimerItem = z.object({
  id: TimerId,
  kind: TimerKind,
  state: z.enum(['scheduled', 'ringing', 'snoozed']),
  label: z.string().nullable().describe('"pasta" in "a timer for the pasta"'),
  task: z.string().nullable().describe('what a reminder is about'),
  owner_id: z.string().nullable().describe('the speaker who set it; null: an unknown voice or the API'),
  owner_name: z.string().nullable(),
  language: z.string(),
  due_at: z.string().describe('when it is due (ISO-8601 UTC)'),
  next_at: z.string().describe('when it rings next: due_at, or the end of a snooze (ISO-8601 UTC)'),
  remaining_s: z.number().int(),
  duration_s: z.number().int().nullable().describe("a timer's length"),
  time: z.string().nullable().describe('wall-clock time of an alarm or reminder (HH:MM in clock.time_zone)'),
  days: z.array(Weekday).describe('weekdays it repeats on; empty: once'),
  recurring: z.boolean(),
  ringing_since: z.string().nullable(),
  created_at: z.string(),
});
export const TimerList = z.object({
  items: z.array(TimerItem),
  ringing: z.array(TimerId),
  missed: z.array(TimerItem).describe('items that came due while Kiwi was off (or asleep), as they were, since Kiwi started; newest last'),
  time_zone: z.string(),
});
export const TimerParams = z.object({ timer_id: TimerId });
const timerFields = {
  label: z.string().trim().min(1).max(60),
  task: z.string().trim().min(1).max(200),
  duration_s: z
    .number()
    .int('whole seconds')
    .min(1, 'at least 1 second')
    .max(48 * 3600, 'a timer runs at most 48 hours (172800 s)')
    .describe('a timer: its length'),
  at: z.iso.datetime({ offset: true }).describe('a one-off alarm or reminder: the instant (ISO-8601 with offset)'),
  time: WallClock.describe('an alarm or reminder at a time of day (HH:MM, clock.time_zone): the next one, or on `days` (PATCH without `days`: the days it already repeats on)'),
  days: z
    .array(Weekday)
    .min(1)
    .max(7)
    .refine((days) => new Set(days).size === days.length, 'each weekday once')
    .describe('with `time`: repeat on these weekdays'),
  when: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe('instead of duration_s/at/time: a time expression in `language`, read by Kiwi ("tomorrow at 7:30", "in 20 minutes", "on weekdays at 6:45")'),
  language: LanguageCode.describe('the language of `when` and of spoken lines about the item (default: Kiwi\'s language)'),
};
export const TimerCreateBody = z
  .object({ kind: TimerKind, ...timerFields, owner_id: SpeakerId.describe('the speaker it belongs to (default: nobody)') })
  .partial({ label: true, task: true, duration_s: true, at: true, time: true, days: true, when: true, language: true, owner_id: true })
  .strict()
  .refine((b) => [b.duration_s, b.at, b.time, b.when].filter((v) => v !== undefined).length === 1, 'give exactly one of duration_s, at, time, when')
  .refine((b) => b.days === undefined || b.time !== undefined, 'days go with time')
  .refine((b) => b.kind !== 'reminder' || b.task !== undefined, 'a reminder needs a task')
  .refine((b) => (b.kind === 'timer' ? b.at === undefined && b.time === undefined : b.duration_s === undefined), 'timers take duration_s (or when); alarms and reminders take at, time or when');
export const TimerPatchBody = z
  .object({ ...timerFields, label: timerFields.label.nullable() })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give something to change')
  .refine((b) => [b.duration_s, b.at, b.time, b.when].filter((v) => v !== undefined).length <= 1, 'give at most one of duration_s, at, time, when')
  .refine((b) => b.days === undefined || b.time !== undefined, 'days go with time');
export const TimerSnoozeBody = z.object({ minutes: z.number().min(1).max(120).describe('default 10') }).partial().strict();
export const TimerStopBody = z.object({ ids: z.array(TimerId).min(1).max(100).describe('default: everything ringing') }).partial().strict();
export const TimersStopped = z.object({ stopped: z.array(TimerId) });
