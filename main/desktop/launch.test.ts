import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import { QUIT_DEADLINE_MS, claimSingleInstance, createLaunchQueue, desktopEnv, firstWindow, parseLaunchArgs, quitWithin, type SingleInstanceApp } from './launch.ts';

function fakeApp(gotLock: boolean) {
  const listeners: Array<(event: unknown, argv: string[]) => void> = [];
  const app = {
    requestSingleInstanceLock: vi.fn(() => gotLock),
    quit: vi.fn(),
    on: vi.fn((_event: 'second-instance', listener: (event: unknown, argv: string[]) => void) => listeners.push(listener)),
  } satisfies SingleInstanceApp;
  return { app, secondLaunch: (argv: string[]) => listeners.forEach((l) => l({}, argv)) };
}

describe('single instance', () => {
  it('the first instance keeps the lock and shows itself when Kiwi is launched again', () => {
    const { app, secondLaunch } = fakeApp(true);
    const shown = vi.fn();
    expect(claimSingleInstance(app, shown)).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
    secondLaunch(['/opt/Kiwi/kiwi', '--settings']);
    secondLaunch(['/opt/Kiwi/kiwi', '--hidden']);
    expect(shown.mock.calls).toEqual([[{ hidden: false, settings: true }], [{ hidden: false, settings: false }]]);
  });

  it('a second instance quits at once and registers nothing', () => {
    const { app } = fakeApp(false);
    const shown = vi.fn();
    expect(claimSingleInstance(app, shown)).toBe(false);
    expect(app.quit).toHaveBeenCalledOnce();
    expect(app.on).not.toHaveBeenCalled();
  });
});

describe('launch decisions', () => {
  it('parses --hidden and --settings', () => {
    expect(parseLaunchArgs(['kiwi'])).toEqual({ hidden: false, settings: false });
    expect(parseLaunchArgs(['kiwi', '--hidden'])).toEqual({ hidden: true, settings: false });
    expect(parseLaunchArgs(['kiwi', '.', '--settings', '--hidden'])).toEqual({ hidden: true, settings: true });
    expect(parseLaunchArgs(['kiwi', '--hiddenx'])).toEqual({ hidden: false, settings: false });
  });

  it('first window: settings if asked, the Overview (its first-run flow) when parts are missing, nothing at login', () => {
    const plain = { hidden: false, settings: false };
    expect(firstWindow(plain, false, 0)).toEqual({ kind: 'dashboard' });
    expect(firstWindow(plain, false, 2)).toEqual({ kind: 'dashboard', view: 'overview' });
    expect(firstWindow({ hidden: true, settings: false }, false, 0)).toBeNull();
    expect(firstWindow(plain, true, 0)).toBeNull();
    expect(firstWindow({ hidden: true, settings: false }, false, 3)).toEqual({ kind: 'dashboard', view: 'overview' });
    expect(firstWindow({ hidden: false, settings: true }, false, 3)).toEqual({ kind: 'settings' });
  });

  it('the in-process engine leaves audio to the windows unless the person chose otherwise', () => {
    expect(desktopEnv({ HOME: '/h' })).toEqual({ HOME: '/h', KIWI_AUDIO_INPUT: 'none', KIWI_AUDIO_OUTPUT: 'none' });
    expect(desktopEnv({ KIWI_AUDIO_INPUT: 'system' })).toMatchObject({ KIWI_AUDIO_INPUT: 'system', KIWI_AUDIO_OUTPUT: 'none' });
  });
});

describe('launches while Kiwi starts', () => {
  it('a second launch during start-up shows its window once Kiwi is up, not never', () => {
    const shown = vi.fn();
    const queue = createLaunchQueue(shown);
    const { app, secondLaunch } = fakeApp(true);
    claimSingleInstance(app, (request) => queue.request(request));
    secondLaunch(['/opt/Kiwi/kiwi']);
    secondLaunch(['/opt/Kiwi/kiwi', '--settings']);
    expect(shown).not.toHaveBeenCalled();
    queue.ready();
    expect(shown).toHaveBeenCalledTimes(1);
    expect(shown).toHaveBeenCalledWith({ hidden: false, settings: true });
    secondLaunch(['/opt/Kiwi/kiwi']);
    expect(shown).toHaveBeenLastCalledWith({ hidden: false, settings: false });
  });

  it('shows nothing extra when nobody launched it again, and nothing once quitting began', () => {
    const shown = vi.fn();
    const queue = createLaunchQueue(shown);
    queue.ready();
    expect(shown).not.toHaveBeenCalled();
    queue.quitting();
    queue.request({ hidden: false, settings: false });
    expect(shown).not.toHaveBeenCalled();
  });
});

describe('quitting', () => {
  const clock = () => new ManualClock('2026-01-01T00:00:00Z');

  it('exits with 0 once Kiwi has stopped', async () => {
    const c = clock();
    const exit = vi.fn();
    quitWithin(async () => undefined, exit, vi.fn(), c);
    await c.advance(0);
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
    await c.advance(QUIT_DEADLINE_MS);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('exits anyway, saying why, when stopping hangs past the deadline', async () => {
    const c = clock();
    const exit = vi.fn();
    const report = vi.fn();
    let finishStop!: () => void;
    quitWithin(() => new Promise<void>((resolve) => (finishStop = resolve)), exit, report, c);
    await c.advance(QUIT_DEADLINE_MS - 1);
    expect(exit).not.toHaveBeenCalled();
    await c.advance(1);
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(report).toHaveBeenCalledWith(expect.stringContaining('did not stop within 10 s'));
    finishStop();
    await c.advance(0);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('exits when stopping fails, and reports the failure', async () => {
    const c = clock();
    const exit = vi.fn();
    const report = vi.fn();
    quitWithin(() => Promise.reject(new Error('database is locked')), exit, report, c);
    await c.advance(0);
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(report).toHaveBeenCalledWith('stopping Kiwi failed: database is locked');
    expect(c.pendingCount).toBe(0);
  });
});
