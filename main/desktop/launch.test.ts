import { describe, expect, it, vi } from 'vitest';
import { claimSingleInstance, desktopEnv, firstWindow, parseLaunchArgs, type SingleInstanceApp } from './launch.ts';

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
