import { describe, expect, it } from 'vitest';
import { untilAborted } from './until-aborted.ts';

describe('untilAborted', () => {
  it("answers with the work's result while the signal stays quiet", async () => {
    await expect(untilAborted(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(untilAborted(Promise.reject(new Error('broke')), new AbortController().signal)).rejects.toThrow('broke');
  });

  it("rejects with the signal's reason when it aborts, without waiting for the work", async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => undefined);
    const pending = untilAborted(never, controller.signal);
    controller.abort(new Error('caller left'));
    await expect(pending).rejects.toThrow('caller left');
  });

  it('rejects at once when the signal has already aborted (an abort event will not come again)', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(untilAborted(new Promise<number>(() => undefined), controller.signal)).rejects.toThrow('too late');
  });
});
