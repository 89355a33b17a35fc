import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../security/testing/manual-clock.ts';
import { createQuitFlow, UNRESPONSIVE_CLOSE_MS, WindowCloser, type QuitWindow } from './quit-flow.ts';

/**
 * A window as Electron has it, without electron: close() runs the page's beforeunload. A page with
 * unsaved edits asks (the shell's will-prevent-unload dialog): "leave" closes, "stay" keeps it open.
 */
class FakeWindow extends EventEmitter implements QuitWindow {
  #destroyed = false;
  asked = 0;
  /** A question on screen: answer it. */
  answer: ((choice: 'leave' | 'stay') => void) | null = null;

  constructor(
    readonly name: string,
    private readonly closer: WindowCloser,
    private readonly page: 'saved' | 'unsaved' | 'hung' = 'saved',
  ) {
    super();
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  close(): void {
    if (this.page === 'saved') return this.destroy();
    if (this.page === 'hung') return;
    this.asked += 1;
    this.answer = (choice) => {
      this.answer = null;
      if (choice === 'leave') this.destroy();
      else this.closer.stayed(this);
    };
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.emit('closed');
  }
}

function setup(pages: Array<'saved' | 'unsaved' | 'hung'>) {
  const clock = new ManualClock();
  const closer = new WindowCloser(clock);
  const windows = pages.map((page, i) => new FakeWindow(`window ${i}`, closer, page));
  let proceeded = 0;
  const flow = createQuitFlow({ windows: () => windows.filter((w) => !w.isDestroyed()), closer, proceed: () => (proceeded += 1) });
  return { clock, windows, flow, proceeded: () => proceeded };
}

/** The question on `window`, once its close has asked. */
const questionOn = async (window: FakeWindow) => {
  await expect.poll(() => window.answer).not.toBeNull();
  return window.answer!;
};

describe('quitting the desktop app asks about unsaved edits, as closing a window does', () => {
  it('quits at once when no page has unsaved edits', async () => {
    const { windows, flow, proceeded } = setup(['saved', 'saved']);
    expect(await flow.request()).toBe(true);
    expect(proceeded()).toBe(1);
    expect(windows.every((w) => w.isDestroyed())).toBe(true);
  });

  it('"Stay" calls the quit off and leaves Kiwi running; the next Quit asks again and "Leave" quits', async () => {
    const { windows, flow, proceeded } = setup(['unsaved', 'saved']);
    const [settings, dashboard] = windows as [FakeWindow, FakeWindow];
    const first = flow.request();
    (await questionOn(settings))('stay');
    expect(await first).toBe(false);
    expect(proceeded()).toBe(0);
    expect(settings.isDestroyed()).toBe(false);
    expect(dashboard.isDestroyed()).toBe(false); // not asked: the quit was called off before it

    const second = flow.request();
    (await questionOn(settings))('leave');
    expect(await second).toBe(true);
    expect(settings.asked).toBe(2);
    expect(proceeded()).toBe(1);
    expect(dashboard.isDestroyed()).toBe(true);
  });

  it('a Quit while the question is on screen is the same quit: one question, one exit', async () => {
    const { windows, flow, proceeded } = setup(['unsaved']);
    const first = flow.request();
    const again = flow.request();
    (await questionOn(windows[0]!))('leave');
    expect(await Promise.all([first, again])).toEqual([true, true]);
    expect(windows[0]!.asked).toBe(1);
    expect(proceeded()).toBe(1);
    expect(await flow.request()).toBe(true);
    expect(proceeded()).toBe(1);
  });

  it('Kiwi stopped by itself (POST /api/shutdown): nothing is asked, even with a question open', async () => {
    const { windows, flow, proceeded } = setup(['unsaved']);
    const asking = flow.request();
    await questionOn(windows[0]!);
    expect(await flow.request(true)).toBe(true);
    expect(proceeded()).toBe(1);
    windows[0]!.destroy(); // what proceed does to the windows left
    expect(await asking).toBe(true);
    expect(proceeded()).toBe(1);
  });

  it(`a page that does not answer is closed without it after ${UNRESPONSIVE_CLOSE_MS / 1000} s (on the clock)`, async () => {
    const { clock, windows, flow, proceeded } = setup(['hung']);
    const quit = flow.request();
    clock.advance(UNRESPONSIVE_CLOSE_MS - 1);
    expect(windows[0]!.isDestroyed()).toBe(false);
    clock.advance(1);
    expect(await quit).toBe(true);
    expect(windows[0]!.isDestroyed()).toBe(true);
    expect(proceeded()).toBe(1);
  });
});
