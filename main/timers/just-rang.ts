import type { TimerItem } from './types.ts';

/** What last stopped ringing (stopped or timed out), and when: "five more minutes" right after brings it back. */
export class JustRang {
  #last: { items: TimerItem[]; at: number } | null = null;

  remember(items: TimerItem[], at: number): void {
    if (items.length) this.#last = { items, at };
  }

  /** The items that stopped ringing within `withinMs` of `now`, as they were while ringing. */
  within(withinMs: number, now: number): TimerItem[] {
    const last = this.#last;
    return last && now - last.at <= withinMs ? [...last.items] : [];
  }

  forget(): void {
    this.#last = null;
  }
}
