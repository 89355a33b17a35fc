/**
 * Utterances are understood one at a time, in the order they ended. When Kiwi falls behind
 * (a slow machine, many microphones), at most `maxWaiting` wait: a newer one pushes the oldest
 * waiting one out, because a command answered many seconds late is worse than one not answered.
 */
export class TurnQueue {
  #tail: Promise<void> = Promise.resolve();
  readonly #waiting: Array<{ dropped: boolean }> = [];

  constructor(readonly maxWaiting: number) {}

  /** How many utterances wait (not counting the one being understood). */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Runs `understand` after everything queued before it, or `drop` instead if newer utterances
   * pushed this one out while it waited. The returned promise carries its failure to the caller;
   * the queue itself moves on either way.
   */
  enqueue(understand: () => Promise<void>, drop: () => void): Promise<void> {
    const entry = { dropped: false };
    this.#waiting.push(entry);
    if (this.#waiting.length > this.maxWaiting) this.#waiting.shift()!.dropped = true;
    const run = this.#tail.then(() => {
      const at = this.#waiting.indexOf(entry);
      if (at >= 0) this.#waiting.splice(at, 1);
      return entry.dropped ? drop() : understand();
    });
    // The caller handles `run`'s failure; the next utterance waits only for it to settle.
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
