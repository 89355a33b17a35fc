import { create } from 'zustand';

/** A microphone or speaker this browser (or the desktop app's window) can use. */
export interface MediaDevice {
  id: string;
  name: string;
}

/** Where the choice is kept: per browser (or per desktop app), like the browser's own site settings. */
const STORAGE = { input: 'kiwi.audio.input', output: 'kiwi.audio.output' } as const;

function stored(key: string): string {
  try {
    return localStorage.getItem(key) ?? '';
  } catch (err) {
    // Storage switched off (private mode, policy): the default device, chosen again next time.
    console.warn('the device choice cannot be stored here', err);
    return '';
  }
}

/** Device names are hidden until the page may use the microphone: number them meanwhile. */
export function namedDevices(devices: ReadonlyArray<Pick<MediaDeviceInfo, 'deviceId' | 'kind' | 'label'>>, kind: MediaDeviceKind): MediaDevice[] {
  const word = kind === 'audioinput' ? 'Microphone' : 'Speaker';
  return devices
    .filter((d) => d.kind === kind && d.deviceId !== '' && d.deviceId !== 'default' && d.deviceId !== 'communications')
    .map((d, i) => ({ id: d.deviceId, name: d.label || `${word} ${i + 1}` }));
}

interface DeviceState {
  inputs: MediaDevice[];
  outputs: MediaDevice[];
  /** The chosen microphone's deviceId; '' is the browser's default. */
  input: string;
  /** The chosen speaker for replies; '' is the browser's default. */
  output: string;
  /** The browser can send audio to a chosen speaker (AudioContext.setSinkId). */
  canPickOutput: boolean;
  refresh(): Promise<void>;
  setInput(id: string): void;
  setOutput(id: string): void;
}

/**
 * The browser's microphones and speakers (navigator.mediaDevices) and the ones chosen for Kiwi.
 * The choice lives in localStorage, so the desktop app's windows share it: a pick in its settings
 * reaches the hidden audio window through the `storage` event.
 */
export const useMediaDevices = create<DeviceState>((set) => {
  const write = (key: string, id: string) => {
    try {
      if (id) localStorage.setItem(key, id);
      else localStorage.removeItem(key);
    } catch (err) {
      console.warn('the device choice cannot be stored here', err);
    }
  };
  if (typeof window !== 'undefined') {
    window.addEventListener('storage', (e) => {
      if (e.key === STORAGE.input) set({ input: e.newValue ?? '' });
      if (e.key === STORAGE.output) set({ output: e.newValue ?? '' });
    });
  }
  return {
    inputs: [],
    outputs: [],
    input: typeof localStorage === 'undefined' ? '' : stored(STORAGE.input),
    output: typeof localStorage === 'undefined' ? '' : stored(STORAGE.output),
    canPickOutput: typeof AudioContext !== 'undefined' && 'setSinkId' in AudioContext.prototype,
    async refresh() {
      if (!navigator.mediaDevices?.enumerateDevices) return;
      const all = await navigator.mediaDevices.enumerateDevices();
      set({ inputs: namedDevices(all, 'audioinput'), outputs: namedDevices(all, 'audiooutput') });
    },
    setInput(id) {
      write(STORAGE.input, id);
      set({ input: id });
    },
    setOutput(id) {
      write(STORAGE.output, id);
      set({ output: id });
    },
  };
});

/** Keeps the lists current while devices are plugged in and out; returns the unsubscribe. */
export function watchMediaDevices(): () => void {
  const media = navigator.mediaDevices;
  if (!media?.addEventListener) return () => undefined;
  const refresh = () => void useMediaDevices.getState().refresh().catch((err: unknown) => console.warn('listing audio devices failed', err));
  refresh();
  media.addEventListener('devicechange', refresh);
  return () => media.removeEventListener('devicechange', refresh);
}
