/**
 * A single-consumer queue between a producer that pushes when things happen (socket events, a
 * token pump) and a consumer that iterates. `fail` ends the iteration with an error, `end` cleanly.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  #ended = false;
  #error: { reason: unknown } | null = null;

  push(item: T): void {
    if (this.#ended) return;
    if (this.#waiter) {
      const { resolve } = this.#waiter;
      this.#waiter = null;
      resolve({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#wake();
  }

  /** End now, dropping whatever was not taken yet (the consumer no longer wants it). */
  close(): void {
    this.#items.length = 0;
    this.end();
  }

  fail(reason: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = { reason };
    this.#wake();
  }

  get ended(): boolean {
    return this.#ended;
  }

  #wake(): void {
    if (!this.#waiter || this.#items.length > 0) return;
    const waiter = this.#waiter;
    this.#waiter = null;
    if (this.#error) waiter.reject(this.#error.reason);
    else waiter.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift()!, done: false });
    if (this.#error) return Promise.reject(this.#error.reason);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next(), return: async () => (this.end(), { value: undefined, done: true }) };
  }
}
