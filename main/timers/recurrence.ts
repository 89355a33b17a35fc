import { isRecurring, type TimerItem, type TimerStore } from './types.ts';
import { nextWallTime } from './zoned.ts';

/** When a recurring item rings next after `from`, at its wall-clock time in `timeZone`; null for a one-off item. */
export function nextOccurrence(item: TimerItem, from: number, timeZone: string): number | null {
  if (!isRecurring(item) || !item.clock) return null;
  const [hour, minute] = item.clock.split(':').map(Number) as [number, number];
  return nextWallTime(hour, minute, item.days, from, timeZone);
}

/** An item rang or was missed: a one-off item is done (deleted, null), a recurring one waits for its next occurrence. */
export function moveOn(store: TimerStore, item: TimerItem, now: number, timeZone: string): TimerItem | null {
  const at = nextOccurrence(item, Math.max(now, item.due_at), timeZone);
  if (at === null) {
    store.delete(item.id);
    return null;
  }
  return store.update(item.id, { state: 'scheduled', due_at: at, next_at: at, ringing_since: null }, now);
}

/**
 * The configured time zone changed: recurring items waiting to ring move to their next wall-clock
 * time in `timeZone` (07:30 stays 07:30 where Kiwi now is); one-off items keep their instant.
 * `moved` hears of each item that moved, as it moves.
 */
export function rezoneItems(store: TimerStore, now: number, timeZone: string, moved: (item: TimerItem) => void): void {
  for (const item of store.list()) {
    if (item.state !== 'scheduled') continue;
    const at = nextOccurrence(item, now, timeZone);
    if (at === null || at === item.next_at) continue;
    moved(store.update(item.id, { due_at: at, next_at: at }, now)!);
  }
}
