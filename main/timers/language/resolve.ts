import type { TimerKind } from '../types.ts';
import { addDays, nextWallTime, wallParts, zonedToUtc } from '../zoned.ts';
import type { Period } from './locale.ts';
import type { WhenSpec } from './when.ts';

export type Resolved =
  | { ok: true; due_at: number; clock: string | null; days: number[] }
  | { ok: false; reason: 'need_time' | 'time_passed' };

/** A reminder for "tomorrow morning" without a time rings at the period's usual hour. */
const PERIOD_HOUR: Record<Period, number | null> = { am: null, pm: null, morning: 9, afternoon: 15, evening: 19, night: 21 };
/** A reminder for a day without a time ("remind me tomorrow to ..."). */
const DEFAULT_REMINDER_HOUR = 9;

const pad = (n: number) => String(n).padStart(2, '0');

function withPeriod(hour: number, period: Period): number {
  if (period === 'am' || period === 'morning') return hour === 12 ? 0 : hour;
  if (period === 'night') return hour === 12 ? 0 : hour >= 6 && hour < 12 ? hour + 12 : hour;
  return hour < 12 ? hour + 12 : hour; // pm, afternoon, evening
}

/**
 * Place a time expression on the calendar of `timeZone`, as seen at `now`. An hour without am/pm
 * is read the way people mean it: an alarm at 7 is 7:00 in the morning; a reminder at 6 is the
 * next 6 o'clock to come (or, on a named day, 1-6 is afternoon and 7-11 morning).
 */
export function resolveWhen(spec: WhenSpec, kind: TimerKind, now: number, timeZone: string): Resolved {
  if (spec.relativeMs !== undefined) return { ok: true, due_at: now + spec.relativeMs, clock: null, days: [] };
  const named = spec.day !== undefined || spec.weekday !== undefined;
  let hour = spec.hour;
  let minute = spec.minute ?? 0;
  if (hour === undefined) {
    if (kind !== 'reminder') return { ok: false, reason: 'need_time' };
    const fromPeriod = spec.period ? PERIOD_HOUR[spec.period] : null;
    if (fromPeriod === null && !named && !spec.recurDays) return { ok: false, reason: 'need_time' };
    hour = fromPeriod ?? DEFAULT_REMINDER_HOUR;
    minute = 0;
  } else if (spec.period) {
    hour = withPeriod(hour, spec.period);
  } else if (spec.ambiguous) {
    hour = pickHalfOfDay(hour, minute, kind, named || Boolean(spec.recurDays), now, timeZone);
  }
  const clock = `${pad(hour)}:${pad(minute)}`;

  if (spec.recurDays) return { ok: true, due_at: nextWallTime(hour, minute, spec.recurDays, now, timeZone), clock, days: spec.recurDays };

  const today = wallParts(now, timeZone);
  if (spec.weekday !== undefined) {
    for (let i = 0; i <= 7; i++) {
      const date = addDays(today, i);
      if (date.weekday !== spec.weekday) continue;
      const at = zonedToUtc({ ...date, hour, minute }, timeZone);
      if (at > now) return { ok: true, due_at: at, clock, days: [] };
    }
  }
  if (spec.day !== undefined) {
    const offset = spec.day === 'tomorrow' ? 1 : spec.day === 'day_after_tomorrow' ? 2 : 0;
    const at = zonedToUtc({ ...addDays(today, offset), hour, minute }, timeZone);
    if (at <= now) return { ok: false, reason: 'time_passed' };
    return { ok: true, due_at: at, clock, days: [] };
  }
  return { ok: true, due_at: nextWallTime(hour, minute, [], now, timeZone), clock, days: [] };
}

function pickHalfOfDay(hour: number, minute: number, kind: TimerKind, named: boolean, now: number, timeZone: string): number {
  const morning = hour % 12;
  const afternoon = morning + 12;
  if (kind !== 'reminder') return hour === 12 ? 12 : morning;
  if (named) return hour === 12 ? 12 : hour <= 6 ? afternoon : morning;
  const next = (h: number) => nextWallTime(h, minute, [], now, timeZone);
  return next(morning) <= next(afternoon) ? morning : afternoon;
}
