import { describe, expect, it } from 'vitest';
import { FrameArrivals } from './frame-arrivals.ts';

describe('when frames arrived', () => {
  it('finds the frame holding a sample, and falls back for a sample it does not know', () => {
    const arrivals = new FrameArrivals();
    arrivals.arrived(160, 1000);
    arrivals.arrived(320, 1010);
    arrivals.arrived(480, 1020);
    expect(arrivals.arrivalOf(1, -1)).toBe(1000);
    expect(arrivals.arrivalOf(320, -1)).toBe(1010); // the frame's last sample
    expect(arrivals.arrivalOf(321, -1)).toBe(1020);
    expect(arrivals.arrivalOf(481, -1)).toBe(-1); // not arrived yet
  });

  it('forgets the oldest frames of a long-running input, never the recent ones', () => {
    const arrivals = new FrameArrivals();
    for (let frame = 1; frame <= 5000; frame += 1) arrivals.arrived(frame * 160, frame);
    // The first frames are forgotten: a sample of theirs gets the oldest arrival still known.
    expect(arrivals.arrivalOf(160, -1)).toBeGreaterThan(1000);
    expect(arrivals.arrivalOf(5000 * 160, -1)).toBe(5000);
    expect(arrivals.arrivalOf(4000 * 160, -1)).toBe(4000);
  });
});
