import { describe, expect, it } from 'vitest';
import { PARTIAL, partials, SHORT_LOOPS } from './ge2e-encoder.ts';

describe('GE2E partial windows', () => {
  it('repeats an utterance shorter than one window to fill it (no trailing silence), looped from several starting points', () => {
    const short = Float32Array.from({ length: 10_000 }, (_, i) => (i % 100) / 100 + 0.01 + i / 1e6);
    const windows = partials(short);
    expect(windows).toHaveLength(SHORT_LOOPS);
    const [first] = windows;
    expect(first![0]).toBe(short[0]);
    expect(first![10_000 + 123]).toBe(short[123]);
    expect(first![PARTIAL - 1]).toBe(short[(PARTIAL - 1) % 10_000]);
    windows.forEach((w, k) => {
      const start = (k * 10_000) / SHORT_LOOPS;
      expect(w).toHaveLength(PARTIAL);
      expect(w.every((v) => v > 0)).toBe(true);
      expect(w[0]).toBe(short[start]);
      expect(w[10_000 - start]).toBe(short[0]); // wrapped round to the beginning
    });
  });

  it('cuts a long utterance into windows overlapping by half, the last one reaching the end', () => {
    const long = Float32Array.from({ length: 3 * 16000 }, (_, i) => i);
    const windows = partials(long);
    // starts 0, 12800, 25600 (ends 51200: 3200 past the end, within half a step)
    expect(windows.map((w) => w[0])).toEqual([0, 12_800, 25_600]);
    expect(windows.every((w) => w.length === PARTIAL)).toBe(true);
    expect(windows.at(-1)![long.length - 25_600 - 1]).toBe(long.length - 1);
    expect(windows.at(-1)![PARTIAL - 1]).toBe(0); // past the end: silence, as Resemblyzer pads
  });

  it('uses exactly one window for exactly 1.6 s', () => {
    expect(partials(new Float32Array(PARTIAL).fill(0.5))).toHaveLength(1);
  });
});
