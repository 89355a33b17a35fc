/**
 * Child process for the kill -9 test (main/timers/persistence.test.ts): sets timers through the
 * real service on a SQLite file, prints "ACK <id>" after each one is stored and "RINGING <id>"
 * once the first has started ringing, then waits to be killed.
 */
import { EventBus } from '../../engine/events/event-bus.ts';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import { TimerService } from '../timer-service.ts';

const [file, countArg] = process.argv.slice(2);
if (!file) throw new Error('usage: timer-writer.ts <db file> [reminders]');
const store = openSqliteStore(file);
const bus = new EventBus();
const silent = { sound: async () => undefined, say: async () => undefined };
const service = new TimerService({ store: store.timers, bus, timeZone: () => 'UTC', language: () => 'en', announcer: silent });
bus.subscribe((e) => {
  if (e.event === 'TIMER_RINGING') process.stdout.write(`RINGING ${(e.data.item as { id: string }).id}\n`);
});
service.start();
const now = Date.now();
const tea = service.create({ kind: 'timer', language: 'en', due_at: now + 400, duration_ms: 400, label: 'tea' });
process.stdout.write(`ACK ${tea.id}\n`);
for (let i = 0; i < Number(countArg ?? 20); i++) {
  const item = service.create({ kind: 'reminder', language: 'en', due_at: now + 3_600_000 + i * 60_000, task: `task ${i}` });
  process.stdout.write(`ACK ${item.id}\n`);
}
setInterval(() => undefined, 1000); // stay alive until killed
