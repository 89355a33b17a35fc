/**
 * The tray icon's menu as data, built from Kiwi's state: the shell hands the template to
 * Menu.buildFromTemplate and rebuilds it when the state changes. No electron import: the
 * template type is the subset of MenuItemConstructorOptions the tray uses.
 */
export interface TrayMenuItem {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
  checked?: boolean;
  enabled?: boolean;
  toolTip?: string;
  accelerator?: string;
  click?: () => void;
  submenu?: TrayMenuItem[];
}

export interface TraySoul {
  id: string;
  name: string;
  /** An 18+ soul while souls.allow_nsfw is off: shown, not selectable. */
  locked: boolean;
}

export interface TrayState {
  /** Engine state (IDLE, LISTENING, ...), or STARTING before the engine is up. */
  engine: string;
  listening: boolean;
  speaking: boolean;
  souls: TraySoul[];
  activeSoul: string | null;
  /** null: this platform has no login item Kiwi can set. */
  startAtLogin: boolean | null;
  /** What is not working (missing models), shown as a hint. */
  problem: string | null;
}

export interface TrayActions {
  setListening(on: boolean): void;
  stop(): void;
  switchSoul(id: string): void;
  openDashboard(view?: string): void;
  openSettings(): void;
  setStartAtLogin(on: boolean): void;
  quit(): void;
}

const STATE_WORDS: Record<string, string> = {
  STARTING: 'Starting…',
  IDLE: 'Ready',
  LISTENING: 'Listening',
  PROCESSING: 'Understanding',
  THINKING: 'Thinking',
  SPEAKING: 'Speaking',
};

/** One line for the tooltip and the menu's first (disabled) item. */
export function trayStatusLine(state: TrayState): string {
  if (!state.listening) return 'Kiwi: not listening';
  return `Kiwi: ${STATE_WORDS[state.engine] ?? state.engine}`;
}

/** Which icon the tray shows: muted when not listening, active while Kiwi hears or speaks. */
export function trayIconName(state: TrayState): 'tray-off' | 'tray-active' | 'tray-idle' {
  if (!state.listening) return 'tray-off';
  return state.engine === 'IDLE' || state.engine === 'STARTING' ? 'tray-idle' : 'tray-active';
}

export function trayMenuTemplate(state: TrayState, actions: TrayActions): TrayMenuItem[] {
  const busy = state.speaking || ['PROCESSING', 'THINKING', 'SPEAKING'].includes(state.engine);
  const items: TrayMenuItem[] = [
    { id: 'status', label: trayStatusLine(state), enabled: false },
    ...(state.problem ? [{ id: 'problem', label: `⚠ ${state.problem}`, click: () => actions.openDashboard('overview') }] : []),
    { type: 'separator' },
    { id: 'listening', label: 'Listening', type: 'checkbox', checked: state.listening, click: () => actions.setListening(!state.listening) },
    { id: 'stop', label: 'Stop speaking', enabled: busy, click: () => actions.stop() },
    {
      id: 'souls',
      label: 'Soul',
      type: 'submenu',
      enabled: state.souls.length > 0,
      submenu: state.souls.map((soul) => ({
        id: `soul:${soul.id}`,
        label: soul.locked ? `${soul.name} (18+, locked)` : soul.name,
        type: 'radio' as const,
        checked: soul.id === state.activeSoul,
        enabled: !soul.locked,
        click: () => {
          if (soul.id !== state.activeSoul) actions.switchSoul(soul.id);
        },
      })),
    },
    { type: 'separator' },
    { id: 'dashboard', label: 'Open dashboard', click: () => actions.openDashboard() },
    { id: 'settings', label: 'Settings…', click: () => actions.openSettings() },
  ];
  if (state.startAtLogin !== null) {
    const on = state.startAtLogin;
    items.push({ id: 'login', label: 'Start at login', type: 'checkbox', checked: on, click: () => actions.setStartAtLogin(!on) });
  }
  items.push({ type: 'separator' }, { id: 'quit', label: 'Quit Kiwi', accelerator: 'CommandOrControl+Q', click: () => actions.quit() });
  return items;
}

/** Bus events after which the tray's state may have changed. */
export const TRAY_EVENTS = new Set(['CONNECTED', 'STATE_CHANGED', 'CONFIG_CHANGED', 'SOUL_CHANGED', 'SOUL_ADDED', 'SOUL_UPDATED', 'SOUL_DELETED', 'ENGINE_READY', 'SERVICE_RESTART', 'TTS_STARTED', 'TTS_FINISHED', 'MODEL_DOWNLOAD_COMPLETED']);

/**
 * Rebuild the tray on the events that matter, at most once per `delayMs` burst (a turn emits many
 * events in a few milliseconds; rebuilding a native menu for each would be waste).
 */
export function trayUpdater(render: () => void, delayMs = 50): { onEvent(name: string): void; flush(): void; dispose(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    render();
  };
  return {
    onEvent(name) {
      if (!TRAY_EVENTS.has(name) || timer) return;
      timer = setTimeout(flush, delayMs);
    },
    flush,
    dispose: () => clearTimeout(timer),
  };
}

export interface TraySource {
  state: string;
  listening: boolean;
  isSpeaking: boolean;
  /** Engine parts that are unavailable (`stt: no model installed`, ...). */
  missing: string[];
  souls: Array<{ id: string; name: string; nsfw: boolean }>;
  activeSoul: string;
  allowNsfw: boolean;
  startAtLogin: boolean | null;
}

/** The tray's view of a running Kiwi (status, souls, config), gathered by the shell. */
export function trayStateOf(src: TraySource): TrayState {
  const parts = src.missing.map((line) => line.split(':')[0]!.trim()).filter(Boolean);
  return {
    engine: src.state,
    listening: src.listening,
    speaking: src.isSpeaking,
    souls: src.souls.map((s) => ({ id: s.id, name: s.name, locked: s.nsfw && !src.allowNsfw })),
    activeSoul: src.activeSoul,
    startAtLogin: src.startAtLogin,
    problem: parts.length > 0 ? `Missing: ${[...new Set(parts)].join(', ')} — download models` : null,
  };
}
