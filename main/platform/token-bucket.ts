/** Milliseconds from any fixed origin (performance.now, or a test's manual clock). */
export type Clock = () => number;

/**
 * A token bucket: holds at most `capacity` tokens, refilled at `perSecond`. `take(n)` spends n
 * when there are enough. Used for audio speed budgets (tokens = samples) and API rate limits.
 */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {
    this.#tokens = capacity;
    this.#at = clock();
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
    const now = this.clock();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
    this.#at = now;
  }
}
