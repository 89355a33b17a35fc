import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as api from '../contract/api.ts';
import { EVENT_NAMES } from '../contract/events.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import { eventually, startTestKiwi, type TestKiwi, type TestResponse } from '../testing/kiwi-test-server.ts';
import { TestWsClient } from '../testing/ws-client.ts';

function ok<S extends z.ZodType>(res: TestResponse, schema: S, status = 200): z.infer<S> {
  expect(res.status, res.text).toBe(status);
  return schema.parse(res.json);
}

function error(res: TestResponse, status: number, code?: string): string {
  expect(res.status, res.text).toBe(status);
  const body = api.ErrorBody.parse(res.json);
  if (code) expect(body.error.code).toBe(code);
  return body.error.message;
}

const Deleted = z.object({ deleted: api.TimerId });
describe('timers over REST and events', () => {
  // Time moves only when a test says: "rings when due" is exact, whatever the machine's load.
  const clock = new ManualClock(Date.now());
  let k: TestKiwi;
  let events: TestWsClient;
  const create = (body: object) => k.request('POST', '/api/timers', { body });
  const list = async () => ok(await k.request('GET', '/api/timers'), api.TimerList);
  const eventOf = (name: string, id: string, from = 0) =>
    events.waitFor((m) => m.event === name && (m.data as { item: { id: string } }).item.id === id, { from, what: `${name} for ${id}` });

  beforeAll(async () => {
    k = await startTestKiwi({ config: { clock: { time_zone: 'Europe/Berlin' } }, clock });
    events = await TestWsClient.connect(`ws://127.0.0.1:${k.port}/api/events`);
  }, 30_000);
  afterAll(async () => {
    events?.ws.close();
    await k?.cleanup();
  });

  it('the OpenAPI document and the event list describe them', async () => {
    const res = await k.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.json as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/timers']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/timers/{timer_id}']!).sort()).toEqual(['delete', 'patch']);
    expect(Object.keys(doc.paths['/api/timers/{timer_id}/snooze']!)).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/timers/stop']!)).toEqual(['post']);
    for (const kind of ['TIMER', 'ALARM', 'REMINDER']) {
      for (const what of ['SET', 'UPDATED', 'CANCELLED', 'RINGING', 'SNOOZED', 'STOPPED', 'MISSED']) expect(EVENT_NAMES).toContain(`${kind}_${what}`);
    }
  });

  it('creates, lists, updates and deletes timers, alarms and reminders; times are UTC, wall-clock times in the configured zone', async () => {
    const from = events.mark();
    const timer = ok(await create({ kind: 'timer', duration_s: 600, label: 'pasta' }), api.TimerItem, 201);
    expect(timer).toMatchObject({ kind: 'timer', state: 'scheduled', label: 'pasta', duration_s: 600, owner_id: null, recurring: false });
    expect(Date.parse(timer.due_at) - Date.parse(timer.created_at)).toBe(600_000);
    expect(Date.parse(timer.created_at)).toBe(clock.now());
    expect(timer.due_at).toMatch(/Z$/);
    await eventOf('TIMER_SET', timer.id, from);

    const alarm = ok(await create({ kind: 'alarm', time: '07:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'] }), api.TimerItem, 201);
    expect(alarm).toMatchObject({ time: '07:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], recurring: true });
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(new Date(alarm.next_at));
    expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 07:30$/);

    const reminder = ok(await create({ kind: 'reminder', when: 'morgen um 18 Uhr', language: 'de', task: 'Anna anrufen' }), api.TimerItem, 201);
    expect(reminder).toMatchObject({ time: '18:00', task: 'Anna anrufen', language: 'de' });
    const byWords = ok(await create({ kind: 'timer', when: '1 hour and a half' }), api.TimerItem, 201);
    expect(byWords.duration_s).toBe(5400);

    const listed = await list();
    expect(listed.time_zone).toBe('Europe/Berlin');
    expect(listed.items.map((i) => i.id)).toEqual(expect.arrayContaining([timer.id, alarm.id, reminder.id, byWords.id]));
    // Soonest first.
    expect(listed.items.map((i) => i.next_at)).toEqual([...listed.items.map((i) => i.next_at)].sort());

    const patched = ok(await k.request('PATCH', `/api/timers/${alarm.id}`, { body: { time: '06:45', days: ['sat', 'sun'], label: 'weekend' } }), api.TimerItem);
    expect(patched).toMatchObject({ time: '06:45', days: ['sun', 'sat'], label: 'weekend' });
    await eventOf('ALARM_UPDATED', alarm.id, from);

    for (const item of [timer, alarm, reminder, byWords]) expect(ok(await k.request('DELETE', `/api/timers/${item.id}`), Deleted)).toEqual({ deleted: item.id });
    await eventOf('REMINDER_CANCELLED', reminder.id, from);
    expect((await list()).items).toEqual([]);
  });

  it('PATCH changes what it names and keeps the rest: a new time keeps the weekdays, a new language is stored', async () => {
    const alarm = ok(await create({ kind: 'alarm', time: '06:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'] }), api.TimerItem, 201);
    const moved = ok(await k.request('PATCH', `/api/timers/${alarm.id}`, { body: { time: '07:00' } }), api.TimerItem);
    expect(moved).toMatchObject({ time: '07:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], recurring: true });
    const renamed = ok(await k.request('PATCH', `/api/timers/${alarm.id}`, { body: { language: 'ru' } }), api.TimerItem);
    expect(renamed).toMatchObject({ language: 'ru', time: '07:00', recurring: true });
    expect((await list()).items.find((i) => i.id === alarm.id)).toMatchObject({ language: 'ru', days: ['mon', 'tue', 'wed', 'thu', 'fri'] });
    const weekend = ok(await k.request('PATCH', `/api/timers/${alarm.id}`, { body: { time: '09:00', days: ['sat', 'sun'] } }), api.TimerItem);
    expect(weekend.days.sort()).toEqual(['sat', 'sun']);
    ok(await k.request('DELETE', `/api/timers/${alarm.id}`), Deleted);
  });

  it('refuses what makes no sense, with the reason', async () => {
    error(await create({ kind: 'timer', duration_s: 60, at: '2030-01-01T00:00:00Z' }), 400, 'invalid_request');
    error(await create({ kind: 'reminder', time: '07:00' }), 400, 'invalid_request'); // no task
    error(await create({ kind: 'alarm', duration_s: 60 }), 400, 'invalid_request');
    error(await create({ kind: 'alarm', at: '2001-01-01T00:00:00Z' }), 400, 'time_passed');
    expect(error(await create({ kind: 'timer', duration_s: 49 * 3600 }), 400, 'invalid_request')).toContain('at most 48 hours');
    error(await create({ kind: 'alarm', when: 'whenever you like' }), 400, 'unparsed_time');
    error(await create({ kind: 'alarm', when: 'tomorrow' }), 400, 'need_time');
    error(await create({ kind: 'alarm', time: '25:00' }), 400, 'invalid_request');
    error(await create({ kind: 'alarm', time: '07:30', days: ['mon', 'mon', 'mon'] }), 400, 'invalid_request'); // was stored as given
    error(await create({ kind: 'timer', duration_s: 60, owner_id: 'spk_999' }), 404, 'not_found');
    error(await k.request('DELETE', '/api/timers/tmr_999'), 404, 'not_found');
    error(await k.request('PATCH', '/api/timers/stop', { body: { label: 'x' } }), 400, 'invalid_request');
    error(await k.request('PATCH', '/api/config', { body: { clock: { time_zone: 'Mars/Olympus' } } }), 400, 'invalid_request');
  });

  it('a timer rings when due (event), can be snoozed, and stops through the API', async () => {
    const from = events.mark();
    const timer = ok(await create({ kind: 'timer', duration_s: 1, label: 'tea' }), api.TimerItem, 201);
    await clock.advance(999);
    expect((await list()).ringing).toEqual([]); // not a moment early
    await clock.advance(1);
    await eventOf('TIMER_RINGING', timer.id, from);
    expect((await list()).ringing).toEqual([timer.id]);
    const snoozed = ok(await k.request('POST', `/api/timers/${timer.id}/snooze`, { body: { minutes: 1 } }), api.TimerItem);
    expect(snoozed.state).toBe('snoozed');
    expect((await list()).ringing).toEqual([]);
    error(await k.request('POST', `/api/timers/${timer.id}/snooze`, { body: { minutes: 200 } }), 400, 'invalid_request');

    const second = ok(await create({ kind: 'alarm', at: new Date(clock.now() + 1200).toISOString() }), api.TimerItem, 201);
    await clock.advance(1200);
    await eventOf('ALARM_RINGING', second.id, from);
    expect(ok(await k.request('POST', '/api/timers/stop', { body: {} }), api.TimersStopped)).toEqual({ stopped: [second.id] });
    const stopped = await eventOf('ALARM_STOPPED', second.id, from);
    expect(stopped).toMatchObject({ data: { by: 'api' } });
    expect((await list()).items.map((i) => i.id)).toEqual([timer.id]); // the one-off alarm is done; the snoozed timer waits
    ok(await k.request('DELETE', `/api/timers/${timer.id}`), Deleted);
  });

  it('POST /api/stop (the dashboard and tray Stop) also silences what is ringing', async () => {
    const from = events.mark();
    const timer = ok(await create({ kind: 'timer', duration_s: 1 }), api.TimerItem, 201);
    await clock.advance(1000);
    await eventOf('TIMER_RINGING', timer.id, from);
    ok(await k.request('POST', '/api/stop'), api.StatusWord('stopped'));
    await eventOf('TIMER_STOPPED', timer.id, from);
    expect((await list()).ringing).toEqual([]);
  });

  it('typed commands set and cancel timers through the same handler as voice', async () => {
    const from = events.mark();
    const set = ok(await k.request('POST', '/api/chat', { body: { text: 'Kiwi, set a timer for 10 minutes for the pasta', speak: false } }), api.ChatResult);
    expect(set).toEqual({ command: 'timer_set', reply: 'Okay, pasta timer for 10 minutes.', turn_id: expect.stringMatching(/^turn_/) });
    const [item] = (await list()).items;
    await eventOf('TIMER_SET', item!.id, from);
    const cancel = ok(await k.request('POST', '/api/chat', { body: { text: 'cancel the pasta timer', speak: false } }), api.ChatResult);
    expect(cancel.command).toBe('timer_cancel');
    expect((await list()).items).toEqual([]);
  });
});

describe('timers across a restart of Kiwi', () => {
  it('keep what is ahead; one that was ringing when Kiwi stopped is reported as missed, not rung again', async () => {
    const clock = new ManualClock(Date.now());
    const first = await startTestKiwi({ config: { clock: { time_zone: 'UTC' } }, clock });
    const dataDir = first.dataDir;
    let second: TestKiwi | null = null;
    try {
      const alarm = ok(await first.request('POST', '/api/timers', { body: { kind: 'alarm', at: new Date(clock.now() + 1000).toISOString(), label: 'wake' } }), api.TimerItem, 201);
      const later = ok(await first.request('POST', '/api/timers', { body: { kind: 'timer', duration_s: 3600, label: 'bread' } }), api.TimerItem, 201);
      await clock.advance(1000);
      await eventually(async () => ok(await first.request('GET', '/api/timers'), api.TimerList).ringing.includes(alarm.id), 'the alarm to ring', 5000);
      await first.kiwi.stop('test restart'); // not cleanup: the data folder stays
      expect(clock.pendingCount, 'a stopped Kiwi leaves no timer behind').toBe(0);

      await clock.advance(60_000); // Kiwi was off for a minute
      second = await startTestKiwi({ env: { KIWI_DATA_DIR: dataDir }, clock });
      const timers = async () => ok(await second!.request('GET', '/api/timers'), api.TimerList);
      const listed = await timers();
      expect(listed.items.map((i) => [i.id, i.label, i.state, i.due_at])).toEqual([[later.id, 'bread', 'scheduled', later.due_at]]);
      expect(listed.ringing).toEqual([]);
      expect(listed.missed.map((i) => [i.id, i.label, i.kind])).toEqual([[alarm.id, 'wake', 'alarm']]);
      // Up to the bread timer's due time nothing rings (the missed alarm is never rung late); then the bread rings, on time.
      await clock.advanceTo(Date.parse(later.due_at) - 1);
      expect((await timers()).ringing).toEqual([]);
      await clock.advanceTo(Date.parse(later.due_at));
      await eventually(async () => (await timers()).ringing.length > 0, 'the bread timer to ring', 5000);
      expect((await timers()).ringing).toEqual([later.id]);
    } finally {
      await second?.cleanup();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
