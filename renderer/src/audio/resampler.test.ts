import { describe, expect, it } from 'vitest';
import { floatToInt16, int16ToFloat, levelDb, StreamingResampler } from './resampler.ts';

const tone = (hz: number, rate: number, seconds: number, amp = 0.5) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));

const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);

/** Run a signal through the resampler in blocks of `block` samples (as the worklet delivers ~20 ms). */
function resampleInBlocks(input: Float32Array, from: number, block: number): Float32Array {
  const r = new StreamingResampler(from, 16000);
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += block) parts.push(r.process(input.subarray(i, i + block)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Zero crossings per second of the steady part: 2 × frequency for a pure tone. */
function frequency(x: Float32Array, rate: number): number {
  const part = x.subarray(Math.floor(x.length * 0.1), Math.floor(x.length * 0.9));
  let crossings = 0;
  for (let i = 1; i < part.length; i++) if (part[i - 1]! < 0 !== part[i]! < 0) crossings++;
  return crossings / 2 / (part.length / rate);
}

describe('StreamingResampler', () => {
  it.each([48000, 44100, 22050])('turns %i Hz into 16 kHz: one second in, one second out, the tone kept', (rate) => {
    const out = resampleInBlocks(tone(440, rate, 1), rate, Math.round(rate * 0.02));
    expect(Math.abs(out.length - 16000)).toBeLessThanOrEqual(2);
    expect(frequency(out, 16000)).toBeCloseTo(440, -1);
    // Speech-band tones keep their level (the low-pass passes them).
    expect(rms(out.subarray(1000, 15000))).toBeCloseTo(0.5 / Math.SQRT2, 1);
  });

  it('removes tones above the new Nyquist frequency instead of aliasing them into the speech band', () => {
    const out = resampleInBlocks(tone(11000, 48000, 1), 48000, 960);
    const attenuationDb = 20 * Math.log10(rms(out.subarray(500)) / (0.5 / Math.SQRT2));
    expect(attenuationDb).toBeLessThan(-40);
  });

  it('gives the same samples whatever the block size', () => {
    const input = tone(300, 44100, 0.5);
    const whole = resampleInBlocks(input, 44100, input.length);
    const small = resampleInBlocks(input, 44100, 128);
    expect(small.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(small[i]).toBeCloseTo(whole[i]!, 5);
  });

  it('passes 16 kHz through unchanged', () => {
    const input = tone(1000, 16000, 0.1);
    const out = new StreamingResampler(16000).process(input);
    expect(out.length).toBe(input.length - 1); // the last sample waits for its right neighbour
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(input[i]!, 6);
  });
});

describe('sample conversion and level', () => {
  it('clips to s16 and converts back', () => {
    expect([...floatToInt16(Float32Array.of(0, 1, -1, 2, -2, 0.5))]).toEqual([0, 32767, -32768, 32767, -32768, 16384]);
    expect([...int16ToFloat(Int16Array.of(-32768, 0, 16384))]).toEqual([-1, 0, 0.5]);
  });

  it('measures dBFS: a full-scale sine is -3 dB, silence is the floor', () => {
    expect(levelDb(tone(440, 16000, 1, 1))).toBeCloseTo(-3.01, 1);
    expect(levelDb(new Float32Array(100))).toBe(-100);
  });
});
