import type { EventEnvelope } from '../../../main/contract/events.ts';
import { KiwiApiError, type KiwiClient } from './kiwi-client.ts';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data: unknown = await res.json();
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string } }).error;
    throw new KiwiApiError(error?.code ?? 'http_error', error?.message ?? `HTTP ${res.status}`);
  }
  return data as T;
}

/** The dashboard served by `kiwi serve`: same-origin REST and the /api/events WebSocket (reconnecting). */
export function createHttpClient(): KiwiClient {
  return {
    getStatus: () => call('GET', '/api/status'),
    listSouls: () => call('GET', '/api/souls'),
    switchSoul: async (id) => {
      await call('POST', '/api/soul', { soul: id });
    },
    onEvent(listener, onConnection) {
      let socket: WebSocket | null = null;
      let closed = false;
      let retry: ReturnType<typeof setTimeout> | undefined;
      const connect = () => {
        const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
        socket = new WebSocket(`${scheme}://${location.host}/api/events`);
        socket.onopen = () => onConnection(true);
        socket.onmessage = (message) => listener(JSON.parse(String(message.data)) as EventEnvelope);
        socket.onclose = () => {
          onConnection(false);
          if (!closed) retry = setTimeout(connect, 2000);
        };
      };
      connect();
      return () => {
        closed = true;
        clearTimeout(retry);
        socket?.close();
      };
    },
  };
}
