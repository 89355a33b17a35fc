/**
 * Runs async jobs one after another. A model handles one request at a time: two at once would
 * only fight over the same cores and the same native session, and dispose() must wait for the
 * job in flight before it frees the native model.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(job);
    // The next job waits for this one whether it failed or not; its own caller sees the failure.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves when every job queued so far has finished. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
