import { describe, expect, it } from 'vitest';
import { prepareAudio } from '../speakers/identification/audio-prep.ts';
import { SELF_MIN_SECONDS } from '../speakers/identification/policy.ts';
import { ringSound } from './sound.ts';
import { nextWallTime, wallParts, zonedToUtc } from './zoned.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('wall-clock time in a time zone', () => {
  it('maps wall times to instants, across the offsets of the year', () => {
    expect(iso(zonedToUtc({ year: 2026, month: 1, day: 15, hour: 7, minute: 30 }, 'Europe/Berlin'))).toBe('2026-01-15T06:30:00.000Z');
    expect(iso(zonedToUtc({ year: 2026, month: 7, day: 15, hour: 7, minute: 30 }, 'Europe/Berlin'))).toBe('2026-07-15T05:30:00.000Z');
    expect(iso(zonedToUtc({ year: 2026, month: 7, day: 15, hour: 7, minute: 30 }, 'Asia/Kolkata'))).toBe('2026-07-15T02:00:00.000Z');
    expect(iso(zonedToUtc({ year: 2026, month: 7, day: 15, hour: 7, minute: 30 }, 'UTC'))).toBe('2026-07-15T07:30:00.000Z');
    expect(wallParts(Date.parse('2026-03-29T05:30:00Z'), 'Europe/Berlin')).toMatchObject({ hour: 7, minute: 30, weekday: 0 });
  });

  it('a time skipped when clocks go forward moves on by the gap; a repeated one is its first occurrence', () => {
    expect(iso(zonedToUtc({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(iso(zonedToUtc({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
    expect(iso(zonedToUtc({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
  });

  it('finds the next matching weekday and time', () => {
    const friday = Date.parse('2026-03-27T12:00:00Z');
    expect(iso(nextWallTime(7, 30, [1, 2, 3, 4, 5], friday, 'Europe/Berlin'))).toBe('2026-03-30T05:30:00.000Z');
    expect(iso(nextWallTime(13, 0, [], friday, 'Europe/Berlin'))).toBe('2026-03-28T12:00:00.000Z'); // 13:00 local is now: the next one is tomorrow
    expect(iso(nextWallTime(14, 0, [5], friday, 'Europe/Berlin'))).toBe('2026-03-27T13:00:00.000Z');
  });
});

describe('ring sounds', () => {
  it('are short enough that Kiwi never learns them as its own voice', () => {
    for (const kind of ['timer', 'alarm', 'reminder'] as const) {
      const sound = ringSound(kind);
      const prepared = prepareAudio(sound);
      expect(prepared.speechSeconds, kind).toBeGreaterThan(0.3);
      expect(prepared.speechSeconds, kind).toBeLessThan(SELF_MIN_SECONDS);
      expect(Math.max(...sound.samples.map(Math.abs)), kind).toBeLessThanOrEqual(0.35);
    }
  });
});
