import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.ts';

const seq = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => from + i);

describe('RingBuffer', () => {
  it('cuts out any range still held, across the wrap-around', () => {
    const ring = new RingBuffer(10);
    ring.push(seq(0, 7));
    ring.push(seq(7, 7)); // 14 samples written, the last 10 (4..13) kept
    expect(ring.start).toBe(4);
    expect(ring.end).toBe(14);
    expect([...ring.slice(5, 12)]).toEqual([5, 6, 7, 8, 9, 10, 11]);
  });

  it('clamps a range that reaches before what it holds (pre-roll at stream start) or past the end', () => {
    const ring = new RingBuffer(8);
    ring.push(seq(0, 5));
    expect([...ring.slice(-3, 2)]).toEqual([0, 1]);
    ring.push(seq(5, 20)); // more than the capacity in one push: keeps the newest 8
    expect([...ring.slice(0, 100)]).toEqual([17, 18, 19, 20, 21, 22, 23, 24]);
  });
});
