import type { WebSocket, WebSocketServer } from 'ws';
import { systemClock, type Clock } from '../platform/clock.ts';

/** How often every WebSocket client is pinged; one that has not answered by the next ping is gone. */
export const HEARTBEAT_MS = 30_000;

/**
 * Drops WebSocket clients that stopped answering: a laptop suspended or unplugged with the
 * dashboard open never closes its sockets, and without this they stayed open for good, each
 * holding an event subscription or one of the `api.max_audio_clients` audio slots (after three
 * such, the dashboard's microphone was refused). Every `everyMs` each client is pinged; a client
 * that sent neither a pong nor a message since the previous ping is terminated (close 1006).
 * Browsers answer pings by themselves. Stops when the server closes; the returned function stops it too.
 */
export function keepAlive(wss: WebSocketServer, clock: Pick<Clock, 'setTimer'> = systemClock, everyMs = HEARTBEAT_MS): () => void {
  const heard = new WeakSet<WebSocket>();
  wss.on('connection', (ws: WebSocket) => {
    heard.add(ws);
    const alive = () => heard.add(ws);
    ws.on('pong', alive);
    ws.on('message', alive);
  });
  let cancel = () => {};
  const tick = () => {
    for (const ws of wss.clients) {
      if (!heard.has(ws)) {
        ws.terminate();
        continue;
      }
      heard.delete(ws);
      if (ws.readyState === ws.OPEN) ws.ping();
    }
    cancel = clock.setTimer(tick, everyMs);
  };
  cancel = clock.setTimer(tick, everyMs);
  const stop = () => cancel();
  wss.on('close', stop);
  return stop;
}
