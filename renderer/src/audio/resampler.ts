import { SAMPLE_RATE } from '../../../main/contract/audio.ts';
/**
 * Streaming resampler for microphone audio (e.g. 48 kHz → 16 kHz): a windowed-sinc low-pass
 * (so speech above the new Nyquist does not alias into the band the recogniser hears), then
 * linear interpolation at the output positions. State carries across calls, so 20 ms blocks
 * give the same samples as one long block.
 */
export class StreamingResampler {
  readonly #step: number;
  readonly #kernel: Float32Array;
  /** The last kernel.length - 1 raw samples, so the filter continues across blocks. */
  #history: Float32Array;
  /** Filtered samples not yet consumed by interpolation. */
  #carry = new Float32Array(0);
  /** Position of the next output sample, in filtered samples from carry[0]. */
  #pos = 0;

  constructor(
    readonly inRate: number,
    readonly outRate = SAMPLE_RATE,
    taps = 64,
  ) {
    if (!(inRate > 0 && outRate > 0)) throw new Error(`bad sample rates ${inRate} → ${outRate}`);
    this.#step = inRate / outRate;
    this.#kernel = inRate > outRate ? lowPass(taps, (0.45 * outRate) / inRate) : Float32Array.of(1);
    this.#history = new Float32Array(this.#kernel.length - 1);
  }

  process(input: Float32Array): Float32Array {
    const k = this.#kernel;
    const raw = new Float32Array(this.#history.length + input.length);
    raw.set(this.#history);
    raw.set(input, this.#history.length);
    const buf = new Float32Array(this.#carry.length + input.length);
    buf.set(this.#carry);
    for (let i = 0; i < input.length; i++) {
      let acc = 0;
      for (let j = 0; j < k.length; j++) acc += k[j]! * raw[i + j]!;
      buf[this.#carry.length + i] = acc;
    }
    this.#history = raw.slice(raw.length - this.#history.length);

    const out: number[] = [];
    while (this.#pos + 1 < buf.length) {
      const i = Math.floor(this.#pos);
      const f = this.#pos - i;
      out.push(buf[i]! * (1 - f) + buf[i + 1]! * f);
      this.#pos += this.#step;
    }
    const used = Math.min(Math.floor(this.#pos), buf.length);
    this.#carry = buf.slice(used);
    this.#pos -= used;
    return Float32Array.from(out);
  }
}

/** Blackman-windowed sinc with cutoff `fc` (fraction of the input rate), unity gain at DC. */
function lowPass(taps: number, fc: number): Float32Array {
  const n = taps % 2 === 0 ? taps + 1 : taps;
  const mid = (n - 1) / 2;
  const h = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = i - mid;
    const sinc = x === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
    const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (n - 1));
    h[i] = sinc * w;
    sum += h[i]!;
  }
  for (let i = 0; i < n; i++) h[i] = h[i]! / sum;
  return h;
}

/** Float samples in [-1, 1] to s16le values, clipped. */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    out[i] = s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff);
  }
  return out;
}

export function int16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 0x8000;
  return out;
}

/** Level in dBFS (RMS), floored at -100 for silence. */
export function levelDb(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  return rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100;
}
