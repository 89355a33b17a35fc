/**
 * The last N seconds of one input, addressed by absolute sample index since the stream began,
 * so an utterance can be cut out with its pre-roll (the start of "kiwi" happens before the VAD
 * is sure it hears speech).
 */
export class RingBuffer {
  readonly #data: Float32Array;
  /** Absolute index one past the newest sample. */
  #end = 0;

  constructor(readonly capacity: number) {
    this.#data = new Float32Array(capacity);
  }

  get end(): number {
    return this.#end;
  }

  /** Oldest absolute index still held. */
  get start(): number {
    return Math.max(0, this.#end - this.capacity);
  }

  push(samples: Float32Array): void {
    const input = samples.length > this.capacity ? samples.subarray(samples.length - this.capacity) : samples;
    this.#end += samples.length - input.length;
    const at = this.#end % this.capacity;
    const first = Math.min(input.length, this.capacity - at);
    this.#data.set(input.subarray(0, first), at);
    this.#data.set(input.subarray(first), 0);
    this.#end += input.length;
  }

  /** Samples [from, to) clamped to what is still held. */
  slice(from: number, to: number): Float32Array {
    const a = Math.max(from, this.start);
    const b = Math.min(to, this.#end);
    const out = new Float32Array(Math.max(0, b - a));
    for (let i = 0; i < out.length; ) {
      const at = (a + i) % this.capacity;
      const n = Math.min(out.length - i, this.capacity - at);
      out.set(this.#data.subarray(at, at + n), i);
      i += n;
    }
    return out;
  }
}
