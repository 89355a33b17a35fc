import { KiwiError } from '../platform/errors.ts';

/**
 * Time as the timers see it: the current instant and a way to be called back later. Tests use a
 * manual clock (main/timers/testing/manual-clock.ts) to move time forward in one step.
 */
export interface Clock {
  /** Milliseconds since the epoch (UTC). */
  now(): number;
  /** Call `fn` after `ms`; the returned function cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** setTimeout takes at most 2^31-1 ms; longer waits are re-armed in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    let handle: NodeJS.Timeout;
    const arm = (left: number) => {
      handle = setTimeout(() => (left > MAX_TIMEOUT_MS ? arm(left - MAX_TIMEOUT_MS) : fn()), Math.min(Math.max(0, left), MAX_TIMEOUT_MS));
      handle.unref(); // a pending timer never keeps the process alive on its own
    };
    arm(ms);
    return () => clearTimeout(handle);
  },
};

/** Resolves after `ms` on `clock`, or rejects with the signal's reason once it aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      cancel();
      reject(signal!.reason as Error);
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The system's IANA time zone (what Intl resolves for this process). */
export const systemTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** True when Intl knows the zone name ('Europe/Berlin', 'UTC'); 'system' is not a zone. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
}

/** The zone config.clock.time_zone names: 'system' follows the machine, anything else must be a known zone. */
export function resolveTimeZone(setting: string): string {
  if (setting === 'system') return systemTimeZone();
  if (!isTimeZone(setting)) throw new KiwiError('invalid_time_zone', `Unknown time zone '${setting}'`, 400);
  return setting;
}
