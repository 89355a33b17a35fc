import { KiwiError } from '../platform/errors.ts';
import type { TimerKind } from './types.ts';

/** The timer service's settings (defaults below) and the limits on what it accepts. */
export interface TimerServiceOptions {
  /** A ringing item stops by itself after this long (and counts as stopped, by 'timeout'). */
  ringMaxMs: number;
  /** Silence between two rounds of sound and line. */
  ringPauseMs: number;
  snoozeMs: number;
  /** An item found due later than this (Kiwi was off, the machine slept) is announced as missed, not rung. */
  missedGraceMs: number;
  /** The scheduler looks again at least this often (a changed system clock is noticed). */
  maxWaitMs: number;
  /** How many items may wait at once. */
  maxItems: number;
}

export const DEFAULT_TIMER_OPTIONS: TimerServiceOptions = {
  ringMaxMs: 10 * 60_000,
  ringPauseMs: 2_000,
  snoozeMs: 10 * 60_000,
  missedGraceMs: 60_000,
  maxWaitMs: 60_000,
  maxItems: 100,
};

/** Timers are up to two days long; alarms and reminders up to a year ahead. */
export const MAX_TIMER_MS = 48 * 3_600_000;
export const MAX_AHEAD_MS = 366 * 86_400_000;

/** A new or changed time must lie ahead, and within the limits above. */
export function checkWhen(kind: TimerKind, dueAt: number, durationMs: number | null, now: number): void {
  if (!Number.isFinite(dueAt) || dueAt <= now) throw new KiwiError('time_passed', 'That time has already passed', 400);
  if (kind === 'timer' && (durationMs ?? dueAt - now) > MAX_TIMER_MS) throw new KiwiError('too_long', `A timer can run at most ${MAX_TIMER_MS / 3_600_000} hours`, 400);
  if (dueAt - now > MAX_AHEAD_MS) throw new KiwiError('too_long', 'That is more than a year ahead', 400);
}
