/**
 * Wall-clock arithmetic in an IANA time zone with Intl only: what the clock on the wall shows at
 * an instant, and the instant at which it shows a given time. Alarms are wall-clock times, so
 * 07:30 stays 07:30 across a daylight-saving change.
 */

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

export interface WallParts extends Required<WallTime> {
  /** 0 Sunday ... 6 Saturday */
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** What a wall clock in `timeZone` shows at instant `ms`. */
export function wallParts(ms: number, timeZone: string): WallParts {
  const parts: Record<string, number> = {};
  for (const p of formatFor(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year, month, day, hour, minute, second } = parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  return { year, month, day, hour: hour % 24, minute, second, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** The zone's offset from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function offsetAt(ms: number, timeZone: string): number {
  const w = wallParts(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const HOUR = 3_600_000;

/**
 * The instant at which the wall clock shows `wall`. A time that occurs twice (clocks go back)
 * is its first occurrence; a time that does not exist (clocks go forward) moves forward by the
 * gap, so an alarm at 02:30 on the night clocks jump from 02:00 to 03:00 rings at 03:30.
 */
export function zonedToUtc(wall: WallTime, timeZone: string): number {
  const local = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
  const before = offsetAt(local - 12 * HOUR, timeZone);
  const after = offsetAt(local + 12 * HOUR, timeZone);
  const matches = [...new Set([before, after])]
    .map((offset) => local - offset)
    .filter((t) => {
      const w = wallParts(t, timeZone);
      return w.year === wall.year && w.month === wall.month && w.day === wall.day && w.hour === wall.hour && w.minute === wall.minute;
    });
  if (matches.length > 0) return Math.min(...matches);
  return local - before; // inside a gap: the offset from before the jump lands just after it
}

/** The calendar date `days` after the given one (no time zone involved: plain date arithmetic). */
export function addDays(date: Pick<WallTime, 'year' | 'month' | 'day'>, days: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

/**
 * The first instant after `afterMs` at which the wall clock shows hour:minute on one of `days`
 * (0 Sunday ... 6 Saturday; empty: any day).
 */
export function nextWallTime(hour: number, minute: number, days: readonly number[], afterMs: number, timeZone: string): number {
  const today = wallParts(afterMs, timeZone);
  for (let i = 0; i <= 8; i++) {
    const date = addDays(today, i);
    if (days.length > 0 && !days.includes(date.weekday)) continue;
    const at = zonedToUtc({ ...date, hour, minute }, timeZone);
    if (at > afterMs) return at;
  }
  // Unreachable for a non-empty day set within 8 days; kept as a guard against a bad day list.
  throw new RangeError(`no wall time ${hour}:${minute} on days ${days.join(',')} within a week`);
}
