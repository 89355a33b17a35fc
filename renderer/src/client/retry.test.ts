import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoff, retryUntilDone } from './retry.ts';

describe('retrying until Kiwi answers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits twice as long after each failure, up to the cap, and from the start again after a reset', () => {
    const waits = backoff(500, 2000);
    expect([waits.next(), waits.next(), waits.next(), waits.next()]).toEqual([500, 1000, 2000, 2000]);
    waits.reset();
    expect(waits.next()).toBe(500);
  });

  it('tries again after each failure, says why, and stops once an attempt succeeds', async () => {
    const outcomes = [new TypeError('Failed to fetch'), new TypeError('Failed to fetch'), null];
    const attempt = vi.fn(async () => {
      const outcome = outcomes.shift();
      if (outcome) throw outcome;
    });
    const failures: unknown[] = [];
    retryUntilDone(attempt, (err) => failures.push(err), backoff(500, 8000));
    await vi.advanceTimersByTimeAsync(0);
    expect(attempt).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(attempt).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempt).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(attempt).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempt).toHaveBeenCalledTimes(3);
    expect(failures.map(String)).toEqual(['TypeError: Failed to fetch', 'TypeError: Failed to fetch']);
  });

  it('stops trying when told to (the page closed), even with a failure under way', async () => {
    let fail!: (err: Error) => void;
    const attempt = vi.fn(() => new Promise<void>((_resolve, reject) => (fail = reject)));
    const onFailure = vi.fn();
    const stop = retryUntilDone(attempt, onFailure);
    stop();
    fail(new TypeError('Failed to fetch'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(onFailure).not.toHaveBeenCalled();
  });
});
