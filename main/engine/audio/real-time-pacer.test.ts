import { describe, expect, it } from 'vitest';
import { PACER_RATE, RealTimePacer, SpeedBudget, type DropReason } from './real-time-pacer.ts';

/** A manual clock: tests move time, nothing sleeps. */
function manualClock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const FRAME_MS = 32;
const frame = (value = 0) => new Float32Array((PACER_RATE * FRAME_MS) / 1000).fill(value);

/** A listening session stand-in whose frames finish only when the test says so. */
function slowSession() {
  const fed: Float32Array[] = [];
  const pending: Array<() => void> = [];
  return {
    fed,
    feed: (_source: string, samples: Float32Array) =>
      new Promise<void>((resolve) => {
        fed.push(samples);
        pending.push(resolve);
      }),
    /** Let the frame in processing finish (and the pacer hand over the next one). */
    async finishOne() {
      pending.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('SpeedBudget', () => {
  it('lets a live microphone through at 1x forever, and a 2 s burst on top', () => {
    const clock = manualClock();
    const budget = new SpeedBudget(clock);
    for (let i = 0; i < 10_000; i++) {
      clock.advance(FRAME_MS);
      expect(budget.take(frame().length)).toBe(true);
    }
    // 2 s in one go (a stalled event loop flushing its frames) still fits
    let burst = 0;
    while (budget.take(frame().length)) burst += FRAME_MS;
    expect(burst).toBeGreaterThanOrEqual(1900);
    expect(burst).toBeLessThanOrEqual(2100);
  });

  it('a stalled event loop reading 10 s of queued live frames at once is not a flood', () => {
    const clock = manualClock();
    const budget = new SpeedBudget(clock);
    clock.advance(10_000); // nothing was read for 10 s
    for (let ms = 0; ms < 10_000; ms += FRAME_MS) expect(budget.take(frame().length)).toBe(true);
    // …but a sender that stays ahead of the clock afterwards runs out (the gap earned 15 s at 1.5x, 10 were used)
    let accepted = 0;
    for (let i = 0; i < 400; i++) if (budget.take(frame().length)) accepted += FRAME_MS;
    expect(accepted).toBeLessThanOrEqual(5000);
  });

  it('refuses what goes beyond 1.5x real time on average', () => {
    const clock = manualClock();
    const budget = new SpeedBudget(clock);
    let accepted = 0;
    // a sender at 3x for 60 s of wall time
    for (let i = 0; i < (60_000 / FRAME_MS) * 3; i++) {
      if (i % 3 === 0) clock.advance(FRAME_MS);
      if (budget.take(frame().length)) accepted += FRAME_MS;
    }
    expect(accepted / 1000).toBeGreaterThan(88); // 60 s x 1.5 + 2 s burst
    expect(accepted / 1000).toBeLessThanOrEqual(92.1);
  });
});

describe('RealTimePacer', () => {
  it('a client dumping 30 minutes of audio at once gets ~2 s through; the rest is refused and reported', async () => {
    const clock = manualClock();
    const session = slowSession();
    const drops: Array<[string, DropReason, number]> = [];
    const pacer = new RealTimePacer({ feed: session.feed, dropped: (s, r, ms) => drops.push([s, r, ms]) }, clock);
    const verdicts = { queued: 0, too_fast: 0 };
    for (let i = 0; i < (30 * 60_000) / FRAME_MS; i++) verdicts[pacer.push('flood', frame())]++;
    expect((verdicts.queued * FRAME_MS) / 1000).toBeLessThanOrEqual(2);
    expect(verdicts.too_fast).toBeGreaterThan(50_000);
    expect(pacer.backlogSeconds('flood')).toBeLessThanOrEqual(2);
    expect(drops[0]).toEqual(['flood', 'too_fast', FRAME_MS]);
  });

  it('keeps at most 2 s waiting when processing falls behind, dropping the OLDEST audio', async () => {
    const clock = manualClock();
    const session = slowSession();
    const drops: DropReason[] = [];
    const pacer = new RealTimePacer({ feed: session.feed, dropped: (_s, r) => drops.push(r) }, clock);
    // 10 s of live audio while the session is stuck on the first frame
    for (let i = 1; i <= 10_000 / FRAME_MS; i++) {
      clock.advance(FRAME_MS);
      expect(pacer.push('mic', frame(i))).toBe('queued');
      expect(pacer.backlogSeconds('mic')).toBeLessThanOrEqual(2);
    }
    expect(drops).toContain('backlog');
    expect(session.fed).toHaveLength(1);
    await session.finishOne();
    // the next frame handed over is from the last 2 s, not the one after the first
    const next = session.fed[1]![0]!;
    expect(next).toBeGreaterThan(10_000 / FRAME_MS - 2000 / FRAME_MS - 2);
  });

  it('when a source leaves, its queued audio is dropped at once: only the frame in processing finishes', async () => {
    const clock = manualClock();
    const session = slowSession();
    const pacer = new RealTimePacer({ feed: session.feed }, clock);
    for (let i = 0; i < 60; i++) pacer.push('web', frame());
    expect(pacer.backlogSeconds('web')).toBeGreaterThan(1.5);
    pacer.end('web');
    expect(pacer.backlogSeconds('web')).toBe(0);
    for (let i = 0; i < 5; i++) await session.finishOne();
    expect(session.fed).toHaveLength(1);
  });

  it('sources are paced separately, and a failing frame does not stop the next', async () => {
    const clock = manualClock();
    const fed: string[] = [];
    const failures: string[] = [];
    const pacer = new RealTimePacer(
      {
        feed: async (source) => {
          fed.push(source);
          if (fed.length === 1) throw new Error('boom');
        },
        failed: (source) => failures.push(source),
      },
      clock,
    );
    for (let i = 0; i < 200; i++) pacer.push('a', frame()); // 'a' floods
    expect(pacer.push('b', frame())).toBe('queued'); // 'b' is not punished for it
    await new Promise((r) => setImmediate(r));
    expect(failures).toEqual(['a']);
    expect(fed.filter((s) => s === 'a').length).toBeGreaterThan(1);
    expect(fed).toContain('b');
  });
});
