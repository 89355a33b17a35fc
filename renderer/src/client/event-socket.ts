import { EventEnvelope } from '../../../main/contract/events.ts';
import { backoff } from './retry.ts';

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
  const waits = backoff(500, 8000);
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    socket = new WebSocket(url);
    socket.onopen = () => {
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
