import { describe, expect, it } from 'vitest';
import { grammarFor } from './language/grammar.ts';
import { resolveWhen } from './language/resolve.ts';
import { timerHarness, type Harness } from './testing/harness.ts';
import type { TimerItem } from './types.ts';
import { nextWallTime, wallParts } from './zoned.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

const ringingAt = (h: Harness, name: string) => h.events.filter((e) => e.event === name).map((e) => e.at);
const local = (ms: number, zone: string) => {
  const w = wallParts(ms, zone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')} ${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
};

/** An alarm or reminder from a spoken time expression, as the voice handler makes it. */
function fromWords(h: Harness, kind: 'alarm' | 'reminder', words: string, extra: Partial<TimerItem> = {}): TimerItem {
  const spec = grammarFor('en').parseWhen(words);
  expect(spec, words).not.toBeNull();
  const resolved = resolveWhen(spec!, kind, h.clock.now(), h.service.timeZone);
  if (!resolved.ok) throw new Error(`${words}: ${resolved.reason}`);
  return h.service.create({ kind, language: 'en', due_at: resolved.due_at, clock: resolved.clock, days: resolved.days, label: extra.label, task: extra.task });
}

describe('timers with a controllable clock', () => {
  it('a timer rings at its end, not a millisecond before, and repeats sound and line until stopped', async () => {
    const h = timerHarness();
    const start = h.clock.now();
    const timer = h.service.create({ kind: 'timer', language: 'en', due_at: start + 10 * MIN, duration_ms: 10 * MIN, label: 'pasta' });
    await h.clock.advance(10 * MIN - 1);
    expect(h.names()).toEqual(['TIMER_SET']);
    expect(h.announcer.heard).toEqual([]);
    await h.clock.advance(1);
    expect(ringingAt(h, 'TIMER_RINGING')).toEqual([start + 10 * MIN]);
    expect(h.service.ringing.map((i) => i.id)).toEqual([timer.id]);

    // One round: 1 s sound, 2 s line, 2 s pause. After 27 s, six rounds have begun and the sixth line is playing.
    await h.clock.advance(27_000);
    const sounds = h.announcer.heard.filter((x) => x.what === 'sound');
    expect(sounds.length).toBe(6);
    expect(sounds.every((s) => s.text === 'timer')).toBe(true);
    expect(h.announcer.lines()[0]).toBe('Your pasta timer is done.');
    expect(h.announcer.lines().length).toBe(6);

    const stopped = h.service.stopRinging('api');
    expect(stopped.map((i) => i.id)).toEqual([timer.id]);
    expect(h.events.at(-1)).toMatchObject({ event: 'TIMER_STOPPED', data: { by: 'api' } });
    const heardBefore = h.announcer.heard.length;
    await h.clock.advance(60_000);
    expect(h.announcer.heard.length).toBe(heardBefore); // silence after stop
    expect(h.announcer.heard.at(-1)).toMatchObject({ what: 'say', completed: false }); // the line was cut off
    expect(h.service.list()).toEqual([]); // a one-off timer is done
    await h.service.ringerIdle();
  });

  it('a one-off alarm ("tomorrow at 7:30") rings at 07:30 local time', async () => {
    const h = timerHarness({ start: '2026-06-10T20:00:00Z' }); // 22:00 in Berlin
    const alarm = fromWords(h, 'alarm', 'tomorrow at 7:30');
    expect(local(alarm.due_at, 'Europe/Berlin')).toBe('2026-06-11 07:30');
    await h.clock.advanceTo(alarm.due_at - 1000);
    expect(h.names()).toEqual(['ALARM_SET']);
    await h.clock.advance(1000);
    expect(ringingAt(h, 'ALARM_RINGING')).toEqual([Date.parse('2026-06-11T05:30:00Z')]);
    await h.clock.advance(500);
    expect(h.announcer.heard[0]).toMatchObject({ what: 'sound', text: 'alarm' });
    await h.clock.advance(1000);
    expect(h.announcer.lines()[0]).toBe("It's 7:30 AM. Time to get up!");
    h.service.stopRinging('voice');
    expect(h.service.list()).toEqual([]);
    await h.service.ringerIdle();
  });

  it.each([
    ['Europe/Berlin', '2026-03-27T12:00:00Z', 4, ['2026-03-28T06:30:00Z', '2026-03-29T05:30:00Z', '2026-03-30T05:30:00Z']], // spring forward, Sunday 29 March
    ['Europe/Berlin', '2026-10-23T12:00:00Z', 4, ['2026-10-24T05:30:00Z', '2026-10-25T06:30:00Z', '2026-10-26T06:30:00Z']], // fall back, Sunday 25 October
    ['America/New_York', '2026-10-30T18:00:00Z', 4, ['2026-10-31T11:30:00Z', '2026-11-01T12:30:00Z', '2026-11-02T12:30:00Z']], // fall back, Sunday 1 November
  ])('a daily alarm at 07:30 (%s) stays at 07:30 across the DST change', async (zone, start, days, expected) => {
    const h = timerHarness({ start, timeZone: zone, service: { maxWaitMs: HOUR } });
    const alarm = fromWords(h, 'alarm', 'every day at 7:30');
    expect(alarm.days).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (let day = 0; day < days; day++) {
      await h.clock.advanceTo(h.service.get(alarm.id).next_at);
      expect(h.service.isRinging).toBe(true);
      await h.clock.advance(20_000);
      h.service.stopRinging('voice'); // each morning someone says "stop"
    }
    const rang = ringingAt(h, 'ALARM_RINGING');
    expect(rang.slice(0, 3).map((t) => new Date(t).toISOString())).toEqual(expected.map((t) => new Date(t).toISOString()));
    expect(rang.map((t) => local(t, zone).slice(11))).toEqual(Array(days).fill('07:30'));
    // After every stop the alarm waits for the next morning.
    expect(h.service.get(alarm.id)).toMatchObject({ state: 'scheduled', days: [0, 1, 2, 3, 4, 5, 6] });
    expect(local(h.service.get(alarm.id).next_at, zone).slice(11)).toBe('07:30');
    await h.service.ringerIdle();
  });

  it('a weekday alarm skips the weekend', async () => {
    const h = timerHarness({ start: '2026-03-27T12:00:00Z', service: { maxWaitMs: 6 * HOUR } }); // Friday
    const alarm = fromWords(h, 'alarm', 'at 7:30 on weekdays');
    expect(local(alarm.next_at, 'Europe/Berlin')).toBe('2026-03-30 07:30'); // Monday
    await h.clock.advanceTo(alarm.next_at);
    h.service.stopRinging('api');
    expect(local(h.service.get(alarm.id).next_at, 'Europe/Berlin')).toBe('2026-03-31 07:30');
    expect(ringingAt(h, 'ALARM_RINGING')).toEqual([Date.parse('2026-03-30T05:30:00Z')]);
    await h.service.ringerIdle();
  });

  it('a reminder rings with its task, and says whose it is', async () => {
    const h = timerHarness({ start: '2026-03-27T12:00:00Z' });
    const spec = grammarFor('en').parseWhen('tomorrow at 6 pm')!;
    const resolved = resolveWhen(spec, 'reminder', h.clock.now(), 'Europe/Berlin');
    if (!resolved.ok) throw new Error(resolved.reason);
    h.service.create({ kind: 'reminder', language: 'en', due_at: resolved.due_at, task: 'call Anna', owner: { id: 'spk_001', name: 'Max' } });
    expect(local(resolved.due_at, 'Europe/Berlin')).toBe('2026-03-28 18:00');
    await h.clock.advanceTo(resolved.due_at);
    await h.clock.advance(1500);
    expect(ringingAt(h, 'REMINDER_RINGING')).toEqual([Date.parse('2026-03-28T17:00:00Z')]);
    expect(h.announcer.lines()).toEqual(['Max, a reminder: call Anna.']);
    expect(h.announcer.heard[0]).toMatchObject({ what: 'sound', text: 'reminder' });
    h.service.stopRinging('voice');
    await h.service.ringerIdle();
  });

  it('snooze rings again after the snooze; stopping a recurring alarm then moves it to the next day', async () => {
    const h = timerHarness({ start: '2026-06-10T12:00:00Z', service: { maxWaitMs: HOUR } });
    const alarm = fromWords(h, 'alarm', 'every day at 6:45');
    await h.clock.advanceTo(alarm.next_at);
    const [snoozed] = h.service.snooze([alarm.id], 9 * MIN);
    expect(snoozed).toMatchObject({ state: 'snoozed', next_at: alarm.next_at + 9 * MIN });
    await h.clock.advance(9 * MIN - 1);
    expect(ringingAt(h, 'ALARM_RINGING')).toHaveLength(1);
    await h.clock.advance(1);
    expect(ringingAt(h, 'ALARM_RINGING')).toEqual([alarm.next_at, alarm.next_at + 9 * MIN]);
    h.service.stopRinging('voice');
    expect(h.service.get(alarm.id)).toMatchObject({ state: 'scheduled', next_at: alarm.next_at + 24 * HOUR });
    expect(() => h.service.snooze([alarm.id])).toThrow(/not ringing/);
    expect(h.names()).toEqual(['ALARM_SET', 'ALARM_RINGING', 'ALARM_SNOOZED', 'ALARM_RINGING', 'ALARM_STOPPED']);
    await h.service.ringerIdle();
  });

  it('ringing stops by itself after the maximum ringing time', async () => {
    const h = timerHarness({ service: { ringMaxMs: 2 * MIN } });
    const timer = h.service.create({ kind: 'timer', language: 'en', due_at: h.clock.now() + MIN, duration_ms: MIN });
    await h.clock.advance(MIN + 2 * MIN + 10_000);
    expect(h.service.isRinging).toBe(false);
    const stopped = h.events.find((e) => e.event === 'TIMER_STOPPED')!;
    expect(stopped.data).toMatchObject({ by: 'timeout', item: { id: timer.id } });
    expect(stopped.at - (h.clock.now() - 2 * MIN - 10_000)).toBeGreaterThanOrEqual(2 * MIN);
    expect(stopped.at - (h.clock.now() - 2 * MIN - 10_000)).toBeLessThanOrEqual(2 * MIN + 5_000); // within one round
    await h.service.ringerIdle();
  });

  it('two items due together ring in one round, with both lines', async () => {
    const h = timerHarness();
    const due = h.clock.now() + 5 * MIN;
    h.service.create({ kind: 'timer', language: 'en', due_at: due, duration_ms: 5 * MIN, label: 'eggs' });
    h.service.create({ kind: 'reminder', language: 'en', due_at: due, task: 'take the tea bag out' });
    await h.clock.advance(5 * MIN + 1500);
    expect(h.announcer.lines()[0]).toBe('Your eggs timer is done. Reminder: take the tea bag out.');
    expect(h.announcer.heard[0]!.text).toBe('timer');
    expect(h.service.stopRinging('api')).toHaveLength(2);
    await h.service.ringerIdle();
  });

  it("an item's lines are in the language it was set in (its `language`), not Kiwi's current one", async () => {
    const h = timerHarness({ language: 'en', service: { maxWaitMs: HOUR } });
    const due = h.clock.now() + 5 * MIN;
    h.service.create({ kind: 'reminder', language: 'de', due_at: due, task: 'Anna anrufen' });
    h.service.create({ kind: 'timer', language: 'en', due_at: due, duration_ms: 5 * MIN, label: 'eggs' });
    await h.clock.advance(5 * MIN + 1500);
    expect(h.announcer.lines()[0]).toBe('Erinnerung: Anna anrufen. Your eggs timer is done.');
    h.service.stopRinging('api');
    // Missed (the machine slept past it): said in the item's language too.
    h.service.create({ kind: 'timer', language: 'ru', due_at: h.clock.now() + 10 * MIN, duration_ms: 10 * MIN });
    h.clock.jump(30 * MIN);
    await h.clock.advance(HOUR);
    expect(h.announcer.lines().at(-1)).toMatch(/^Пока меня не было, в .+ закончился таймер\.$/);
    await h.service.ringerIdle();
  });

  it('refuses times that have passed and timers longer than two days', () => {
    const h = timerHarness();
    expect(() => h.service.create({ kind: 'alarm', language: 'en', due_at: h.clock.now() - 1 })).toThrow(/passed/);
    expect(() => h.service.create({ kind: 'timer', language: 'en', due_at: h.clock.now() + 49 * HOUR, duration_ms: 49 * HOUR })).toThrow(/at most 48 hours/);
  });
});

describe('timers when the world moves', () => {
  it('an item found due long after its time (the machine slept) is announced as missed, not rung', async () => {
    const h = timerHarness({ service: { maxWaitMs: HOUR } });
    const timer = h.service.create({ kind: 'timer', language: 'en', due_at: h.clock.now() + 10 * MIN, duration_ms: 10 * MIN, label: 'bread' });
    h.clock.jump(3 * HOUR); // suspended: no timer fired on the way
    await h.clock.advance(0);
    expect(h.names()).toEqual(['TIMER_SET', 'TIMER_MISSED']);
    expect(h.announcer.lines()).toEqual(['While I was off, your bread timer ended at 1:10 PM.']);
    expect(h.announcer.heard.some((x) => x.what === 'sound')).toBe(false);
    expect(() => h.service.get(timer.id)).toThrow(/Unknown timer/);
    expect(h.service.missed.map((i) => i.id)).toEqual([timer.id]);
  });

  it('a recurring alarm follows a change of the configured time zone; one-off items keep their instant', () => {
    let zone = 'Europe/Berlin';
    const h = timerHarness({ start: '2026-06-10T12:00:00Z', timeZone: () => zone });
    const every = [0, 1, 2, 3, 4, 5, 6];
    const daily = h.service.create({ kind: 'alarm', language: 'en', due_at: nextWallTime(7, 30, every, h.clock.now(), zone), clock: '07:30', days: every });
    const once = h.service.create({ kind: 'alarm', language: 'en', due_at: Date.parse('2026-06-11T05:30:00Z'), clock: '07:30' });
    expect(local(daily.next_at, zone)).toBe('2026-06-11 07:30');
    zone = 'America/New_York';
    h.service.rezone();
    expect(new Date(h.service.get(daily.id).next_at).toISOString()).toBe('2026-06-11T11:30:00.000Z');
    expect(local(h.service.get(daily.id).next_at, zone)).toBe('2026-06-11 07:30');
    expect(h.service.get(once.id).next_at).toBe(once.next_at);
    expect(h.names()).toEqual(['ALARM_SET', 'ALARM_SET', 'ALARM_UPDATED']);
  });

  it('Stop pressed elsewhere (tray, dashboard) while the line plays stops the ringing', async () => {
    const h = timerHarness();
    const say = h.announcer.say.bind(h.announcer);
    let presses = 1;
    h.announcer.say = async (text, signal) => {
      await say(text, signal);
      return presses-- > 0 ? 'stopped' : undefined;
    };
    h.service.create({ kind: 'timer', language: 'en', due_at: h.clock.now() + MIN, duration_ms: MIN });
    await h.clock.advance(MIN + 5000);
    expect(h.service.isRinging).toBe(false);
    expect(h.events.at(-1)).toMatchObject({ event: 'TIMER_STOPPED', data: { by: 'api' } });
    await h.service.ringerIdle();
  });
});
