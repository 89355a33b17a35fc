import type { Clock } from './clock.ts';

/** Wait `ms` (on `clock` when given), or less when `signal` aborts first; never rejects (the caller checks the signal). */
export function abortableSleep(ms: number, signal: AbortSignal, clock?: Clock): Promise<void> {
  return new Promise((resolve) => {
    const cancel = clock ? clock.setTimer(done, ms) : clearTimeout.bind(null, setTimeout(done, ms));
    function done() {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
