import { EventEnvelope } from '../../../main/contract/events.ts';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 8000;

/**
 * /api/events with reconnection: a dropped socket (server restart, network) is reopened with a
 * growing delay, reset once a connection succeeds. Messages that are not event envelopes (pong)
 * are ignored.
 */
export function subscribeEvents(
  url: string,
  listener: (event: EventEnvelope) => void,
  onConnection: (connected: boolean) => void,
): () => void {
  let socket: WebSocket | null = null;
  let closed = false;
  let delay = FIRST_RETRY_MS;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    socket = new WebSocket(url);
    socket.onopen = () => {
      delay = FIRST_RETRY_MS;
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
      retry = setTimeout(connect, delay);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    };
  };
  connect();
  return () => {
    closed = true;
    clearTimeout(retry);
    socket?.close();
  };
}
