import type { KiwiDesktopApi } from '../../../main/desktop/ipc-contract.ts';
import { EventEnvelope } from '../../../main/contract/events.ts';
import { routes, type RouteId } from '../../../main/contract/routes.ts';
import { KiwiApiError, type Answer, type AudioChannel, type CallInput, type KiwiClient } from '../client/kiwi-client.ts';

/** The preload API of a Kiwi desktop window, or null in a plain browser. */
export function desktopApi(): KiwiDesktopApi | null {
  return (globalThis as { kiwi?: KiwiDesktopApi }).kiwi ?? null;
}

/** PCM that crossed the bridge: an Int16Array, or (after a copy) its bytes. */
function asInt16(data: unknown): Int16Array {
  if (data instanceof Int16Array) return data;
  if (ArrayBuffer.isView(data)) return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength - (data.byteLength % 2)));
  if (data instanceof ArrayBuffer) return new Int16Array(data, 0, Math.floor(data.byteLength / 2));
  return new Int16Array(0);
}

/**
 * KiwiClient over the desktop window's preload API: the same interface the dashboard panels use
 * over HTTP, so they run unchanged in the desktop app. Calls, the event stream and the
 * microphone/speaker all go through IPC to the main process; the page needs no network.
 */
export function createIpcClient(api: KiwiDesktopApi, onUnauthorized?: () => void): KiwiClient {
  return {
    async call<K extends RouteId>(route: K, input?: CallInput<K>): Promise<Answer<K>> {
      const result = await api.call(route, input as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown } | undefined);
      if (!result.ok) {
        if (result.status === 401 && !(routes[route] as { public?: boolean }).public) onUnauthorized?.();
        throw new KiwiApiError(result.error.code, result.error.message, result.status);
      }
      return result.data as Answer<K>;
    },

    onEvent(listener, onConnection) {
      let connected = false;
      const stop = api.subscribeEvents((raw) => {
        const parsed = EventEnvelope.safeParse(raw);
        if (!parsed.success) return;
        if (!connected && parsed.data.event === 'CONNECTED') {
          connected = true;
          onConnection(true);
        }
        listener(parsed.data);
      });
      return stop;
    },

    openAudio(sampleRate, handlers): AudioChannel {
      let open = false;
      let closed = false;
      const stopOutput = api.audio.onOutput((message) => {
        if (closed) return;
        if (message.type === 'start') handlers.onAudioStart(message.sampleRate);
        else if (message.type === 'chunk') handlers.onAudioChunk(asInt16(message.pcm));
        else if (message.type === 'end') handlers.onAudioEnd(message.interrupted);
        else handlers.onError(`${message.message} (${message.code})`);
      });
      const ready = api.audio.open(sampleRate).then((result) => {
        if (!result.ok) {
          stopOutput();
          throw new Error(`Kiwi refused the microphone: ${result.error.message}`);
        }
        open = !closed;
      });
      return {
        ready,
        sendPcm(samples) {
          if (open && !closed) api.audio.send(samples);
        },
        setMuted(muted) {
          if (open && !closed) api.audio.control(muted ? 'mute' : 'unmute');
        },
        stopSpeaking() {
          api.audio.control('stop');
        },
        close() {
          if (closed) return;
          closed = true;
          open = false;
          stopOutput();
          api.audio.close();
          handlers.onClose('microphone off', false);
        },
      };
    },
  };
}
