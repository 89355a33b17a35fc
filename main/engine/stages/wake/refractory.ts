/** After a detection, the same utterance keeps scoring high for a while: it must fire once. */
export const REFRACTORY_SAMPLES = 24_000; // 1.5 s at 16 kHz

/** Fires on the first score at or above the threshold, then stays quiet for the refractory period. */
export class Refractory {
  #last = -Infinity;

  constructor(private readonly samples = REFRACTORY_SAMPLES) {}

  /** Whether a score at sample `at` fires. */
  fire(score: number, threshold: number, at: number): boolean {
    return score >= threshold && this.trigger(at);
  }

  /** Whether an engine's own detection at sample `at` counts (it is outside the refractory period). */
  trigger(at: number): boolean {
    if (at - this.#last < this.samples) return false;
    this.#last = at;
    return true;
  }

  reset(): void {
    this.#last = -Infinity;
  }
}
