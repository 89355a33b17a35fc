import { afterEach, describe, expect, it, vi } from 'vitest';
import { trayIconName, trayMenuTemplate, trayStateOf, trayStatusLine, trayUpdater, type TrayActions, type TrayMenuItem, type TrayState } from './tray-model.ts';

const base: TrayState = {
  engine: 'IDLE',
  listening: true,
  speaking: false,
  souls: [
    { id: 'default', name: 'Default', locked: false },
    { id: 'comedian', name: 'Comedian', locked: false },
    { id: 'siren', name: 'Siren', locked: true },
  ],
  activeSoul: 'default',
  startAtLogin: false,
  problem: null,
};

function actions() {
  return {
    setListening: vi.fn((_on: boolean) => undefined),
    stop: vi.fn(() => undefined),
    switchSoul: vi.fn((_id: string) => undefined),
    openDashboard: vi.fn((_view?: string) => undefined),
    openSettings: vi.fn(() => undefined),
    setStartAtLogin: vi.fn((_on: boolean) => undefined),
    quit: vi.fn(() => undefined),
  } satisfies TrayActions;
}
const byId = (items: TrayMenuItem[], id: string) => items.find((i) => i.id === id)!;

describe('tray menu model', () => {
  it('has status, listening, stop, souls, dashboard, settings, start at login and quit, in that order', () => {
    const ids = trayMenuTemplate(base, actions()).map((i) => i.id ?? i.type);
    expect(ids).toEqual(['status', 'separator', 'listening', 'stop', 'souls', 'separator', 'dashboard', 'settings', 'login', 'separator', 'quit']);
  });

  it('the listening checkbox reflects and toggles the state', () => {
    const a = actions();
    const on = byId(trayMenuTemplate(base, a), 'listening');
    expect(on).toMatchObject({ type: 'checkbox', checked: true });
    on.click!();
    expect(a.setListening).toHaveBeenLastCalledWith(false);
    const off = byId(trayMenuTemplate({ ...base, listening: false }, a), 'listening');
    expect(off.checked).toBe(false);
    off.click!();
    expect(a.setListening).toHaveBeenLastCalledWith(true);
  });

  it('stop is enabled only while Kiwi is busy, and stops', () => {
    const a = actions();
    expect(byId(trayMenuTemplate(base, a), 'stop').enabled).toBe(false);
    for (const engine of ['SPEAKING', 'THINKING', 'PROCESSING']) expect(byId(trayMenuTemplate({ ...base, engine }, a), 'stop').enabled, engine).toBe(true);
    expect(byId(trayMenuTemplate({ ...base, speaking: true }, a), 'stop').enabled).toBe(true);
    byId(trayMenuTemplate({ ...base, engine: 'SPEAKING' }, a), 'stop').click!();
    expect(a.stop).toHaveBeenCalledOnce();
  });

  it('lists souls as radio items: the active one checked, 18+ ones locked; picking one switches', () => {
    const a = actions();
    const souls = byId(trayMenuTemplate(base, a), 'souls').submenu!;
    expect(souls.map((s) => [s.label, s.type, s.checked, s.enabled])).toEqual([
      ['Default', 'radio', true, true],
      ['Comedian', 'radio', false, true],
      ['Siren (18+, locked)', 'radio', false, false],
    ]);
    souls[1]!.click!();
    expect(a.switchSoul).toHaveBeenCalledWith('comedian');
    souls[0]!.click!(); // already active: nothing to do
    expect(a.switchSoul).toHaveBeenCalledTimes(1);
    expect(byId(trayMenuTemplate({ ...base, souls: [] }, a), 'souls').enabled).toBe(false);
  });

  it('opens the dashboard, settings and quits; hides start-at-login where unsupported', () => {
    const a = actions();
    const menu = trayMenuTemplate(base, a);
    byId(menu, 'dashboard').click!();
    byId(menu, 'settings').click!();
    byId(menu, 'quit').click!();
    byId(menu, 'login').click!();
    expect([a.openDashboard.mock.calls, a.openSettings.mock.calls.length, a.quit.mock.calls.length, a.setStartAtLogin.mock.calls]).toEqual([[[]], 1, 1, [[true]]]);
    expect(trayMenuTemplate({ ...base, startAtLogin: null }, a).some((i) => i.id === 'login')).toBe(false);
  });

  it('shows a missing-models hint that opens the Models view', () => {
    const a = actions();
    const state = trayStateOf({
      state: 'IDLE',
      listening: true,
      isSpeaking: false,
      missing: ['stt: no model installed', 'tts: no voice', 'stt: again'],
      souls: [{ id: 'siren', name: 'Siren', nsfw: true }],
      activeSoul: 'default',
      allowNsfw: false,
      startAtLogin: null,
    });
    expect(state.problem).toBe('Missing: stt, tts — download models');
    expect(state.souls).toEqual([{ id: 'siren', name: 'Siren', locked: true }]);
    byId(trayMenuTemplate(state, a), 'problem').click!();
    expect(a.openDashboard).toHaveBeenCalledWith('overview');
    expect(trayStateOf({ ...{ state: 'IDLE', listening: true, isSpeaking: false, missing: [], souls: [{ id: 'siren', name: 'Siren', nsfw: true }], activeSoul: 'x', allowNsfw: true, startAtLogin: true } }).souls[0]!.locked).toBe(false);
  });

  it('status line and icon follow the state', () => {
    expect(trayStatusLine(base)).toBe('Kiwi: Ready');
    expect(trayStatusLine({ ...base, engine: 'THINKING' })).toBe('Kiwi: Thinking');
    expect(trayStatusLine({ ...base, listening: false, engine: 'SPEAKING' })).toBe('Kiwi: not listening');
    expect(trayIconName(base)).toBe('tray-idle');
    expect(trayIconName({ ...base, engine: 'LISTENING' })).toBe('tray-active');
    expect(trayIconName({ ...base, listening: false })).toBe('tray-off');
  });
});

describe('tray updater', () => {
  afterEach(() => vi.useRealTimers());

  it('rebuilds once per burst of relevant events and ignores the rest', () => {
    vi.useFakeTimers();
    const render = vi.fn();
    const updater = trayUpdater(render, 50);
    for (const name of ['STATE_CHANGED', 'LLM_TOKEN', 'SOUL_CHANGED', 'STATE_CHANGED']) updater.onEvent(name);
    expect(render).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60);
    expect(render).toHaveBeenCalledOnce();
    updater.onEvent('LLM_TOKEN');
    updater.onEvent('SPEECH_PARTIAL');
    vi.advanceTimersByTime(100);
    expect(render).toHaveBeenCalledOnce();
    updater.onEvent('CONFIG_CHANGED');
    updater.dispose();
    vi.advanceTimersByTime(100);
    expect(render).toHaveBeenCalledOnce();
    updater.flush();
    expect(render).toHaveBeenCalledTimes(2);
  });

  it('rebuilds the soul menu when a soul is added, changed or deleted through the API', () => {
    vi.useFakeTimers();
    const render = vi.fn();
    const updater = trayUpdater(render, 50);
    for (const [i, name] of ['SOUL_ADDED', 'SOUL_UPDATED', 'SOUL_DELETED'].entries()) {
      updater.onEvent(name);
      vi.advanceTimersByTime(60);
      expect(render, name).toHaveBeenCalledTimes(i + 1);
    }
    updater.dispose();
  });
});
