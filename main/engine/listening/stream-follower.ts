import type { SttStream } from '../stages.ts';

/** A streaming recognizer followed live, from the start of speech (with its pre-roll) to the utterance's end. */
export class StreamFollower {
  #stream: SttStream | null = null;

  constructor(private readonly open?: () => SttStream) {}

  /**
   * The newest frame; `speaking`: whether the VAD hears speech (a stream opens only then, on
   * `opening()`: this frame and the pre-roll before it). Resolves the partial text, if any.
   */
  async accept(samples: Float32Array, speaking: boolean, opening: () => Float32Array): Promise<string | null> {
    if (!this.open || (!this.#stream && !speaking)) return null;
    const input = this.#stream ? samples : opening();
    this.#stream ??= this.open();
    return this.#stream.accept(input);
  }

  /** The utterance ended: the final text of the stream that followed it (undefined: none did). The next one opens afresh. */
  finish(): Promise<string> | undefined {
    const stream = this.#stream;
    this.#stream = null;
    return stream?.finish();
  }
}
