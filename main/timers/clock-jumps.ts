import fs from 'node:fs';
import type { Clock } from './clock.ts';
import type { TimerItem, TimerStore } from './types.ts';

/** Milliseconds of real time since some fixed start, unaffected by changes to the wall clock. */
export type Elapsed = () => number;

/** Smaller differences between wall and real time are drift and rounding, not a changed clock. */
const TOLERANCE_MS = 2_000;

/**
 * Real time on this machine. Linux: CLOCK_BOOTTIME (/proc/uptime), which keeps counting while
 * the machine sleeps, so a suspend is no clock change and its timers came due (announced as
 * missed). Elsewhere Node offers only a monotonic clock that may stop during sleep: there a
 * forward jump cannot be told from a sleep, and only backward jumps are followed.
 */
export function systemElapsed(): { elapsed: Elapsed; countsSleep: boolean } {
  try {
    const read = () => Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
    if (Number.isFinite(read())) return { elapsed: read, countsSleep: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { elapsed: () => performance.now(), countsSleep: false };
}

/**
 * Notices the wall clock being set (by hand, by NTP after a boot without a real-time clock): the
 * wall time that passed since the last look, minus the real time that did. 0 when it was not.
 */
export class WallJumps {
  #wall: number;
  #real: number;

  constructor(
    private readonly clock: Clock,
    private readonly elapsed: Elapsed,
    private readonly countsSleep: boolean,
  ) {
    this.#wall = clock.now();
    this.#real = elapsed();
  }

  check(): number {
    const wall = this.clock.now();
    const real = this.elapsed();
    const jump = wall - this.#wall - (real - this.#real);
    this.#wall = wall;
    this.#real = real;
    if (Math.abs(jump) < TOLERANCE_MS || (jump > 0 && !this.countsSleep)) return 0;
    return jump;
  }
}

/**
 * Items whose time was given as a span from when they were set ("in 10 minutes", a snooze) keep
 * counting real time across a clock change: they move with it. Items set for a time of day
 * ("at 7:00") stay on the wall clock. Returns the items moved.
 */
export function followJump(store: TimerStore, jump: number, now: number): TimerItem[] {
  const moved: TimerItem[] = [];
  for (const item of store.list()) {
    if (item.state === 'ringing' || (item.clock !== null && item.state !== 'snoozed')) continue;
    const changes = { next_at: item.next_at + jump, ...(item.clock === null ? { due_at: item.due_at + jump } : {}) };
    const updated = store.update(item.id, changes, now);
    if (updated) moved.push(updated);
  }
  return moved;
}
