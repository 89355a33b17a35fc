import { describe, expect, it } from 'vitest';
import { WallJumps } from './clock-jumps.ts';
import { ManualClock } from './testing/manual-clock.ts';
import { timerHarness } from './testing/harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('a changed wall clock (by hand, by NTP)', () => {
  it.each([
    ['back', -HOUR],
    ['forward', HOUR],
  ])('set %s an hour: a 10-minute timer still rings 10 minutes after it was set', async (_, shift) => {
    const h = timerHarness();
    const timer = h.service.create({ kind: 'timer', language: 'en', due_at: h.clock.now() + 10 * MIN, duration_ms: 10 * MIN });
    await h.clock.advance(2 * MIN);
    h.clock.setWallBy(shift);
    const rang: number[] = [];
    h.bus.subscribe((e) => void (e.event === 'TIMER_RINGING' && rang.push(h.clock.elapsed())));
    await h.clock.advance(8 * MIN - 1);
    expect(rang).toEqual([]);
    expect(h.names()).not.toContain('TIMER_MISSED');
    await h.clock.advance(1);
    expect(rang).toEqual([10 * MIN]);
    expect(h.service.get(timer.id).next_at).toBe(h.clock.now()); // moved with the clock: the dashboard shows the right time
    h.service.stopRinging('api');
    await h.service.ringerIdle();
  });

  it('an alarm for a time of day stays on the wall clock: after the clock is set back an hour, it rings an hour later in real time', async () => {
    const h = timerHarness({ start: '2026-03-27T12:00:00Z' });
    h.service.create({ kind: 'alarm', language: 'en', due_at: Date.parse('2026-03-27T14:00:00Z'), clock: '15:00' });
    h.service.create({ kind: 'timer', language: 'en', due_at: h.clock.now() + 30 * MIN, duration_ms: 30 * MIN });
    await h.clock.advance(MIN);
    h.clock.setWallBy(-HOUR);
    const rang: Array<[string, number, string]> = [];
    h.bus.subscribe((e) => void (e.event.endsWith('_RINGING') && rang.push([e.event, h.clock.elapsed(), new Date(h.clock.now()).toISOString()])));
    await h.clock.advance(3 * HOUR);
    expect(rang).toEqual([
      ['TIMER_RINGING', 30 * MIN, '2026-03-27T11:30:00.000Z'],
      ['ALARM_RINGING', 3 * HOUR, '2026-03-27T14:00:00.000Z'],
    ]);
    h.service.stopRinging('api');
    await h.service.ringerIdle();
  });

  it('a machine that slept is no clock change: the timer that came due meanwhile is announced as missed', async () => {
    const h = timerHarness();
    h.service.create({ kind: 'timer', language: 'en', due_at: h.clock.now() + 10 * MIN, duration_ms: 10 * MIN });
    await h.clock.advance(2 * MIN);
    h.clock.jump(HOUR); // suspended: real time (CLOCK_BOOTTIME) moved as much as the wall clock
    await h.clock.advance(MIN);
    expect(h.names()).toEqual(['TIMER_SET', 'TIMER_MISSED']); // not moved, not rung late
  });

  it('where real time stops during sleep, only a clock set back counts as a change', () => {
    const clock = new ManualClock('2026-03-27T12:00:00Z');
    const jumps = new WallJumps(clock, () => clock.elapsed(), false);
    clock.setWallBy(HOUR);
    expect(jumps.check()).toBe(0); // could have been a sleep
    clock.setWallBy(-2 * HOUR);
    expect(jumps.check()).toBe(-2 * HOUR);
    clock.setWallBy(1_000);
    expect(jumps.check()).toBe(0); // drift, not a change
  });
});
