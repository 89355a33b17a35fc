import type { Clock } from './clock.ts';

/** Only the time is read: milliseconds from any fixed origin (performance.now, or a test's manual clock). */
export type Now = Pick<Clock, 'now'>;

/**
 * A token bucket: holds at most `capacity` tokens, refilled at `perSecond`. `take(n)` spends n
 * when there are enough. Used for audio speed budgets (tokens = samples) and API rate limits.
 */
export class TokenBucket {
  #tokens: number;
  #at: number;

  /**
   * `creditIdle`: a long gap since the last call refills up to what the gap earned, beyond
   * `capacity`. For audio: after the event loop stalled for 10 s, a live microphone's 10 s of
   * queued frames arrive at once and are not a flood (the pacer's backlog bound trims them).
   */
  constructor(
    private readonly clock: Now,
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly creditIdle = false,
  ) {
    this.#tokens = capacity;
    this.#at = clock.now();
  }

  take(n = 1): boolean {
    this.#refill();
    if (n > this.#tokens) return false;
    this.#tokens -= n;
    return true;
  }

  /** Whether at least `n` tokens are there now (without spending them). */
  has(n = 1): boolean {
    this.#refill();
    return this.#tokens >= n;
  }

  /** Seconds until `n` tokens are back. */
  secondsUntil(n = 1): number {
    this.#refill();
    return Math.max(0, (n - this.#tokens) / this.perSecond);
  }

  /** Full again: nothing to remember about this client. */
  get full(): boolean {
    this.#refill();
    return this.#tokens >= this.capacity;
  }

  #refill(): void {
    const now = this.clock.now();
    const earned = ((now - this.#at) / 1000) * this.perSecond;
    const cap = this.creditIdle ? Math.max(this.capacity, earned) : this.capacity;
    this.#tokens = Math.min(Math.max(cap, this.#tokens), this.#tokens + earned); // a credit already given is not taken back
    this.#at = now;
  }
}
