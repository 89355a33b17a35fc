import { EventEnvelope } from '../../../main/contract/events.ts';
import { backoff } from './retry.ts';

/**
 * /api/events with reconnection: a dropped socket (server restart, network) is reopened with a
 * growing delay, reset once a connection succeeds. Messages that are not event envelopes (pong)
 * are ignored. `onRefused` hears of each attempt that closed without ever opening: a page cannot
 * tell a refused upgrade (401: the session ended, e.g. Kiwi restarted) from a server that is down,
 * so the caller asks the server which it was.
 */
export function subscribeEvents(
  url: string,
  listener: (event: EventEnvelope) => void,
  onConnection: (connected: boolean) => void,
  onRefused?: () => void,
): () => void {
  let socket: WebSocket | null = null;
  let closed = false;
  const waits = backoff(500, 8000);
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    let opened = false;
    socket = new WebSocket(url);
    socket.onopen = () => {
      opened = true;
      waits.reset();
      onConnection(true);
    };
    socket.onmessage = (message) => {
      let json: unknown;
      try {
        json = JSON.parse(String(message.data));
      } catch {
        return; // the server only sends JSON; anything else is not ours to show
      }
      const parsed = EventEnvelope.safeParse(json);
      if (parsed.success) listener(parsed.data);
    };
    socket.onclose = () => {
      onConnection(false);
      if (closed) return;
      if (!opened) onRefused?.();
      retry = setTimeout(connect, waits.next());
    };
  };
  connect();
  return () => {
    closed = true;
    clearTimeout(retry);
    socket?.close();
  };
}
