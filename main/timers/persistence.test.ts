import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { appRoot } from '../platform/paths.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { makeTempDir } from '../testing/kiwi-test-server.ts';
import { runThenKill } from '../testing/kill-writer.ts';
import { ManualClock } from './testing/manual-clock.ts';
import { timerHarness } from './testing/harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const dirs: string[] = [];
const stores: Store[] = [];

async function dbFile(): Promise<string> {
  const dir = await makeTempDir('kiwi-timers-');
  dirs.push(dir);
  return path.join(dir, 'kiwi.db');
}

function open(file: string): Store {
  const store = openSqliteStore(file);
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

describe('timers survive a restart', () => {
  it('what came due while Kiwi was off is announced as missed, not rung; the rest rings on time', async () => {
    const file = await dbFile();
    const zone = 'Europe/Berlin';
    // Evening of 10 June (22:00 in Berlin): set things, then Kiwi is switched off until 08:00.
    const before = timerHarness({ start: '2026-06-10T20:00:00Z', timeZone: zone, store: open(file).timers });
    const t0 = before.clock.now();
    before.service.create({ kind: 'timer', language: 'en', due_at: t0 + 10 * MIN, duration_ms: 10 * MIN, label: 'pasta' });
    before.service.create({ kind: 'alarm', language: 'en', due_at: Date.parse('2026-06-11T05:30:00Z'), clock: '07:30' });
    const daily = before.service.create({ kind: 'alarm', language: 'en', due_at: Date.parse('2026-06-11T05:00:00Z'), clock: '07:00', days: [0, 1, 2, 3, 4, 5, 6] });
    before.service.create({ kind: 'reminder', language: 'en', due_at: t0 + 3 * HOUR, task: 'take out the bins' });
    const later = before.service.create({ kind: 'reminder', language: 'en', due_at: t0 + 12 * HOUR, task: 'water the plants' });
    before.service.close();
    stores.splice(0).forEach((s) => s.close());

    const after = timerHarness({ clock: new ManualClock('2026-06-11T06:00:00Z'), timeZone: zone, store: open(file).timers, service: { maxWaitMs: HOUR } });
    expect(after.names()).toEqual(['TIMER_MISSED', 'REMINDER_MISSED', 'ALARM_MISSED', 'ALARM_MISSED']);
    expect(after.events.some((e) => e.event.endsWith('_RINGING'))).toBe(false);
    await after.clock.advance(10);
    expect(after.announcer.heard.filter((h) => h.what === 'sound')).toEqual([]); // announced, never rung
    expect(after.announcer.lines()).toEqual([
      'While I was off, your pasta timer ended at 10:10 PM. ' +
        'While I was off, I missed a reminder at 1:00 AM: take out the bins. ' +
        "I was off at 7:00 AM, so your alarm didn't ring. " +
        "I was off at 7:30 AM, so your alarm didn't ring.",
    ]);
    // One-off items are gone; the daily alarm waits for tomorrow morning; the plants reminder is still ahead.
    expect(after.service.list().map((i) => [i.id, new Date(i.next_at).toISOString()])).toEqual([
      [later.id, '2026-06-11T08:00:00.000Z'],
      [daily.id, '2026-06-12T05:00:00.000Z'],
    ]);
    expect(after.events.find((e) => e.event === 'ALARM_MISSED' && (e.data.item as { id: string }).id === daily.id)?.data).toMatchObject({ next_at: '2026-06-12T05:00:00.000Z' });
    await after.clock.advanceTo(later.due_at);
    expect(after.events.filter((e) => e.event === 'REMINDER_RINGING').map((e) => e.at)).toEqual([later.due_at]);
    after.service.stopRinging('api');
    await after.clock.advanceTo('2026-06-12T05:00:00Z');
    expect(after.events.filter((e) => e.event === 'ALARM_RINGING').map((e) => e.at)).toEqual([Date.parse('2026-06-12T05:00:00Z')]);
    after.service.stopRinging('api');
    await after.service.ringerIdle();
  });

  it('an item due a few seconds before start-up still rings (within the grace period)', async () => {
    const file = await dbFile();
    const before = timerHarness({ store: open(file).timers });
    const timer = before.service.create({ kind: 'timer', language: 'en', due_at: before.clock.now() + MIN, duration_ms: MIN });
    before.service.close();
    const after = timerHarness({ clock: new ManualClock(timer.due_at + 20_000), store: before.store });
    await after.clock.advance(0);
    expect(after.names()).toEqual(['TIMER_RINGING']);
    after.service.stopRinging('api');
    await after.service.ringerIdle();
  });

  it('every acknowledged item survives kill -9, and one that was ringing is announced as missed', async () => {
    const file = await dbFile();
    const writer = path.join(appRoot, 'main', 'timers', 'testing', 'timer-writer.ts');
    const acked: string[] = [];
    let ringing = null as string | null; // set by the writer's RINGING line
    await runThenKill(writer, [file, '30'], {
      onLine: (line) => {
        const ack = /^ACK (tmr_\d+)$/.exec(line);
        if (ack) acked.push(ack[1]!);
        const ring = /^RINGING (tmr_\d+)$/.exec(line);
        if (ring) ringing = ring[1]!;
      },
      killWhen: () => ringing !== null && acked.length >= 31,
      timeoutMs: 20_000,
      progress: () => `${acked.length} acks, ringing ${ringing}`,
    });
    const db = new Database(file);
    try {
      expect(db.prepare('PRAGMA integrity_check').all()).toMatchObject([{ integrity_check: 'ok' }]);
    } finally {
      db.close();
    }
    const store = open(file);
    const stored = store.timers.list();
    expect(new Set(stored.map((i) => i.id))).toEqual(new Set(acked));
    expect(store.timers.get(ringing!)).toMatchObject({ state: 'ringing', label: 'tea' });

    // Kiwi comes back a minute later: the tea timer was ringing when it died, so it is announced, not rung again.
    const after = timerHarness({ clock: new ManualClock(Date.now() + MIN), timeZone: 'UTC', store: store.timers, service: { maxWaitMs: HOUR } });
    expect(after.names()).toEqual(['TIMER_MISSED']);
    await after.clock.advance(10);
    expect(after.announcer.lines()[0]).toMatch(/^While I was off, your tea timer ended at \d+:\d\d [AP]M\.$/);
    expect(after.service.list()).toHaveLength(30);
    const first = after.service.list()[0]!;
    expect(first.task).toBe('task 0');
    await after.clock.advanceTo(first.due_at);
    expect(after.events.filter((e) => e.event === 'REMINDER_RINGING').map((e) => e.at)).toEqual([first.due_at]);
    after.service.stopRinging('api');
    await after.service.ringerIdle();
  }, 40_000);
});
