import type { Clock } from './clock.ts';

/**
 * One pending wake-up for the earliest item due. Waits are capped (a minute by default), so a
 * changed system clock or a machine that slept is noticed within that time rather than after a
 * long timeout computed from the old clock.
 */
export class Scheduler {
  #cancel: (() => void) | null = null;
  #stopped = true;

  constructor(
    private readonly clock: Clock,
    /** The earliest next_at among waiting items, or null. */
    private readonly nextDue: () => number | null,
    /** Something is due now. */
    private readonly onDue: () => void,
    private readonly maxWaitMs = 60_000,
    /** Called at every wake-up before the due check (the service follows wall-clock changes there). */
    private readonly onWake: () => void = () => undefined,
  ) {}

  start(): void {
    this.#stopped = false;
    this.arm();
  }

  /** Recompute the wake-up (after any change to the items). */
  arm(): void {
    this.#cancel?.();
    this.#cancel = null;
    if (this.#stopped) return;
    const next = this.nextDue();
    if (next === null) return;
    const wait = Math.min(Math.max(0, next - this.clock.now()), this.maxWaitMs);
    this.#cancel = this.clock.setTimer(() => {
      this.#cancel = null;
      this.onWake();
      // Read again: a changed wall clock may have moved the earliest item.
      const due = this.nextDue();
      if (due !== null && this.clock.now() >= due) this.onDue();
      this.arm();
    }, wait);
  }

  stop(): void {
    this.#stopped = true;
    this.#cancel?.();
    this.#cancel = null;
  }
}
