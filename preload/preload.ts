import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventEnvelope } from '../main/contract/events.ts';
import { INVOKE, PUSH, SEND, type AudioOut, type KiwiDesktopApi } from '../main/desktop/ipc-contract.ts';

/**
 * The one API a Kiwi window gets (`window.kiwi`): typed functions over fixed channels. The page
 * never sees ipcRenderer, channel names or IPC event objects (an event's `sender` would hand it
 * ipcRenderer itself), and it cannot pick a channel. Main checks every message's sender anyway.
 */
function listen<T>(channel: string, listener: (payload: T) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, payload: T) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => void ipcRenderer.removeListener(channel, wrapped);
}

const api: KiwiDesktopApi = {
  isDesktop: true,
  platform: process.platform,
  call: (route, input) => ipcRenderer.invoke(INVOKE.call, route, input),
  subscribeEvents(listener) {
    const stop = listen<EventEnvelope>(PUSH.event, listener);
    ipcRenderer.send(SEND.eventsSubscribe);
    return () => {
      stop();
      ipcRenderer.send(SEND.eventsUnsubscribe);
    };
  },
  audio: {
    open: (sampleRate) => ipcRenderer.invoke(INVOKE.audioOpen, sampleRate),
    send: (pcm) => ipcRenderer.send(SEND.audioFrame, pcm),
    control: (action) => ipcRenderer.send(SEND.audioControl, action),
    close: () => ipcRenderer.send(SEND.audioClose),
    onOutput: (listener) => listen<AudioOut>(PUSH.audioOut, listener),
  },
  shell: {
    openWindow: (which, view) => ipcRenderer.invoke(INVOKE.openWindow, which, view),
    getStartAtLogin: () => ipcRenderer.invoke(INVOKE.getStartAtLogin),
    setStartAtLogin: (enabled) => ipcRenderer.invoke(INVOKE.setStartAtLogin, enabled),
  },
};

contextBridge.exposeInMainWorld('kiwi', api);
