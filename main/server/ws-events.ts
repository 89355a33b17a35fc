import type { WebSocket, WebSocketServer } from 'ws';
import { EventsClientMessage } from '../contract/events.ts';
import type { ServerServices } from './services.ts';
import { parseJsonOrNull } from '../platform/json.ts';
import type { Grant } from './auth.ts';
import { ConversationPrivacy, conversationViewer } from './conversation-privacy.ts';
import type { Clock } from '../platform/clock.ts';
import { BoundedOutbox, MAX_QUEUED_BYTES } from './ws-outbox.ts';

/**
 * WebSocket /api/events: every bus event as `{event, data, timestamp, source}`. A new client
 * first gets CONNECTED with the current state; `{"type":"ping"}` answers `{"event":"pong"}`.
 * What was said and answered goes only to clients that may read that turn (conversation-privacy.ts);
 * the server passes each client's grant with its connection. A client that falls `maxQueuedBytes`
 * behind is closed with 1013 and a reason (ws-outbox.ts); the stream has no resume: a client that
 * reconnects gets CONNECTED with the current state again. `clock` runs the close grace (ws-outbox.ts).
 */
export function attachEventStream(
  wss: WebSocketServer,
  runtime: Pick<ServerServices, 'engine' | 'bus' | 'logger'>,
  { maxQueuedBytes = MAX_QUEUED_BYTES, clock }: { maxQueuedBytes?: number; clock?: Pick<Clock, 'setTimer'> } = {},
): void {
  const privacy = new ConversationPrivacy(runtime.bus);
  wss.on('close', () => privacy.close());
  wss.on('connection', (ws: WebSocket, _req: unknown, grant: Grant | null = null) => {
    const viewer = conversationViewer(grant);
    const outbox = new BoundedOutbox(ws, { maxQueuedBytes, clock });
    const send = (message: object) => outbox.send(message);
    send({ event: 'CONNECTED', data: { state: runtime.engine.state }, timestamp: new Date().toISOString(), source: 'api' });
    const unsubscribe = runtime.bus.subscribe((envelope) => {
      if (ws.readyState === ws.OPEN) send(privacy.view(envelope, viewer));
    });
    ws.on('message', (raw, isBinary) => {
      const message = isBinary ? null : parseJsonOrNull(raw.toString());
      if (message && EventsClientMessage.safeParse(message).success) {
        send({ event: 'pong', timestamp: new Date().toISOString() });
      } else {
        send({ event: 'ERROR', data: { code: 'bad_message', message: 'Only {"type":"ping"} is understood here' }, timestamp: new Date().toISOString(), source: 'api' });
      }
    });
    ws.on('close', unsubscribe);
    ws.on('error', (err) => runtime.logger.warn({ err }, 'events socket error'));
  });
}
