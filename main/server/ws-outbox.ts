import type { WebSocket } from 'ws';

/** Close code for a client that fell too far behind: 1013 "try again later" (it reconnects; CONNECTED gives the current state). */
export const CLOSE_TOO_SLOW = 1013;
export const TOO_SLOW_REASON = 'fell too far behind the event stream; reconnect';
/** Messages waiting for one client, at most (bytes), before it is dropped. */
export const MAX_QUEUED_BYTES = 1024 * 1024;
/** The socket is given more only while it holds less than this: the rest waits here, where it can be dropped. */
export const SOCKET_HIGH_WATER = 64 * 1024;

/**
 * What one WebSocket client has yet to read, bounded. Messages go to the socket only while its own
 * buffer is small; the rest waits in this queue. A client that falls `maxQueuedBytes` behind has
 * the queue dropped at once (memory freed) and gets a close frame with a reason right behind the
 * little the socket still holds — not after a megabyte of stale events, and not a bare 1006 once
 * the socket is torn down.
 */
export class BoundedOutbox {
  readonly #queue: { text: string; bytes: number }[] = [];
  #queuedBytes = 0;
  #dropped = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly maxQueuedBytes = MAX_QUEUED_BYTES,
  ) {}

  /** Bytes waiting here (not yet handed to the socket). */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  send(message: object): void {
    if (this.#dropped || this.ws.readyState !== this.ws.OPEN) return;
    const text = JSON.stringify(message);
    const bytes = Buffer.byteLength(text);
    this.#queue.push({ text, bytes });
    this.#queuedBytes += bytes;
    this.#pump();
    if (this.#queuedBytes > this.maxQueuedBytes) this.#drop();
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#dropped && this.ws.readyState === this.ws.OPEN && this.ws.bufferedAmount < SOCKET_HIGH_WATER) {
      const next = this.#queue.shift()!;
      this.#queuedBytes -= next.bytes;
      // Called once the socket has written it: room for more. A write error closes the socket (logged by its 'error' handler).
      this.ws.send(next.text, (err) => {
        if (!err) this.#pump();
      });
    }
  }

  #drop(): void {
    this.#dropped = true;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.ws.close(CLOSE_TOO_SLOW, TOO_SLOW_REASON);
  }
}
