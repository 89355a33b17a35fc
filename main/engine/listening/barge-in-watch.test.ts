import { describe, expect, it } from 'vitest';
import { BargeInWatch } from './barge-in-watch.ts';
import { EnergyVad } from './testing/energy-vad.ts';

const frame = (value: number) => new Float32Array(1600).fill(value); // 100 ms

describe('BargeInWatch', () => {
  it('takes 250 ms of speech over Kiwi for a barge-in, and a short cough for none', () => {
    const watch = new BargeInWatch(new EnergyVad());
    expect([0.5, 0, 0.5, 0.5].map((v) => watch.accept(frame(v), true))).toEqual([false, false, false, false]);
    expect(watch.accept(frame(0.5), true)).toBe(true);
  });

  it('watches only while Kiwi speaks', () => {
    const watch = new BargeInWatch(new EnergyVad());
    expect([1, 2, 3, 4].map(() => watch.accept(frame(0.5), false))).toEqual([false, false, false, false]);
  });
});
