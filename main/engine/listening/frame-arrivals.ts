/** Frames remembered (a live input runs for days), the oldest dropped in batches so trimming is rare. */
const KEPT = 4096;
const TRIMMED = 1024;

/**
 * When recent frames of a live input arrived, so an instant of the session's clock (samples) can
 * be turned into the moment it was heard: a live input delivers a frame when its last sample is captured.
 */
export class FrameArrivals {
  /** [session clock after the frame, performance.now()], oldest first. */
  readonly #arrivals: Array<[number, number]> = [];

  /** A frame ending at session sample `end` arrived at `at` (performance.now()). */
  arrived(end: number, at: number): void {
    this.#arrivals.push([end, at]);
    if (this.#arrivals.length > KEPT) this.#arrivals.splice(0, TRIMMED);
  }

  /** When the frame holding sample `sample` arrived; `fallback` when it is no longer (or not yet) known. */
  arrivalOf(sample: number, fallback: number): number {
    return this.#arrivals.find(([end]) => end >= sample)?.[1] ?? fallback;
  }
}
