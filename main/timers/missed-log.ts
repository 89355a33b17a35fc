import type { TimerItem } from './types.ts';

/** How many missed items are kept to show. */
const KEPT = 20;

/** What was announced as missed since start, the last 20 (the dashboard connects after start-up announcements). */
export class MissedLog {
  readonly #items: TimerItem[] = [];

  add(item: TimerItem): void {
    this.#items.push(item);
    if (this.#items.length > KEPT) this.#items.shift();
  }

  /** Oldest first. */
  get items(): TimerItem[] {
    return [...this.#items];
  }
}
