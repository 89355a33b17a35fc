import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { within } from './within.ts';

describe('bounding a browser audio call', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('answers what the call answers in time', async () => {
    await expect(within(Promise.resolve('running'), 5000, () => new Error('late'))).resolves.toBe('running');
    await expect(within(Promise.reject(new Error('NotAllowedError')), 5000, () => new Error('late'))).rejects.toThrow('NotAllowedError');
  });

  it('says so when the call never settles', async () => {
    const stuck = within(new Promise(() => undefined), 5000, () => new Error('the audio did not start within 5 s'));
    const outcome = expect(stuck).rejects.toThrow('the audio did not start within 5 s');
    await vi.advanceTimersByTimeAsync(5000);
    await outcome;
  });
});
