import type { Clock } from '../clock.ts';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told. `advance` runs every callback that falls due on the way, in
 * time order, letting promises settle between them, so code that awaits a sleep and then
 * schedules the next one behaves as it would in real time.
 */
export class ManualClock implements Clock {
  #now: number;
  /** Real time (CLOCK_BOOTTIME): moves with advance and jump, not when the wall clock is set. */
  #elapsed = 0;
  #seq = 0;
  readonly #pending = new Set<Pending>();

  constructor(start: number | string | Date) {
    this.#now = new Date(start).getTime();
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const entry: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#pending.add(entry);
    return () => this.#pending.delete(entry);
  }

  /** Timers waiting to run. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Move time forward by `ms`, firing what falls due. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  async advanceTo(target: number | string | Date): Promise<void> {
    const end = new Date(target).getTime();
    await settle();
    for (;;) {
      const next = [...this.#pending].filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.#pending.delete(next);
      this.#elapsed += Math.max(0, next.at - this.#now);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await settle();
    }
    this.#elapsed += Math.max(0, end - this.#now);
    this.#now = Math.max(this.#now, end);
    await settle();
  }

  /** Jump without firing anything (a suspended machine, or Kiwi switched off). */
  jump(ms: number): void {
    this.#now += ms;
    this.#elapsed += ms;
  }

  /** The wall clock set forward or back (by hand, by NTP): real time does not move, pending timers stay where they are in real time. */
  setWallBy(ms: number): void {
    this.#now += ms;
    for (const entry of this.#pending) entry.at += ms;
  }

  /** Milliseconds of real time since this clock was made. */
  elapsed(): number {
    return this.#elapsed;
  }
}

/** Let pending promise chains run (a few macrotask turns: I/O-free awaits settle within them). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
