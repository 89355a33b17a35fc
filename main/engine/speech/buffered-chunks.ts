/**
 * An async source read once, eagerly, with every item kept, so several readers (each sink, a
 * turn taking a reply prepared earlier) each get all of it from the start, at their own pace.
 * Reply audio is a sentence or two, so keeping it is cheap; it goes with the last reader.
 */
export class BufferedChunks<T> {
  readonly #items: T[] = [];
  #ended = false;
  #failure: { error: unknown } | null = null;
  #wake: Array<() => void> = [];
  /** Resolves when the source has ended, rejects with its error. */
  readonly ended: Promise<void>;

  constructor(source: AsyncIterable<T>) {
    this.ended = this.#pump(source);
    this.ended.catch(() => undefined); // readers and awaiters of `ended` get the error; nobody may be either
  }

  async #pump(source: AsyncIterable<T>): Promise<void> {
    try {
      for await (const item of source) {
        this.#items.push(item);
        this.#notify();
      }
    } catch (error) {
      this.#failure = { error };
      throw error;
    } finally {
      this.#ended = true;
      this.#notify();
    }
  }

  #notify(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }

  /** Resolves at the first item or an empty end; rejects when the source failed before its first item. */
  async first(): Promise<void> {
    while (this.#items.length === 0 && !this.#ended) await new Promise<void>((resolve) => this.#wake.push(resolve));
    if (this.#items.length === 0 && this.#failure) throw this.#failure.error;
  }

  /** Every item from the first, waiting for those still to come; throws the source's error after the items before it. */
  async *read(): AsyncGenerator<T> {
    for (let next = 0; ; ) {
      while (next < this.#items.length) yield this.#items[next++]!;
      if (this.#ended) {
        if (this.#failure) throw this.#failure.error;
        return;
      }
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }

  /** Every item, once the source has ended. */
  async all(): Promise<T[]> {
    await this.ended;
    return [...this.#items];
  }
}
