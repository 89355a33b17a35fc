/** Time and timers, injectable so approval expiry can be tested without waiting. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), // a pending approval never keeps the process alive
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
