import { createRequire } from 'node:module';

interface NativeLinearResampler {
  resample(samples: Float32Array): Float32Array;
}

const require = createRequire(import.meta.url);
let LinearResampler: (new (inputRate: number, outputRate: number) => NativeLinearResampler) | undefined;

/**
 * Streaming resampler for one input: keeps its filter state across chunks, so feed it one
 * stream's consecutive frames only. Uses sherpa-onnx's native resampler (loaded on first use).
 */
export class StreamResampler {
  readonly #native: NativeLinearResampler | null;

  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
  ) {
    if (inputRate === outputRate) {
      this.#native = null;
      return;
    }
    LinearResampler ??= (require('sherpa-onnx-node') as { LinearResampler: typeof LinearResampler }).LinearResampler;
    this.#native = new LinearResampler!(inputRate, outputRate);
  }

  resample(samples: Float32Array): Float32Array {
    return this.#native ? this.#native.resample(samples) : samples;
  }
}
