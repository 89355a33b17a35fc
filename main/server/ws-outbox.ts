import type { WebSocket } from 'ws';
import { systemClock, type Clock } from '../platform/clock.ts';

/** Close code for a client that fell too far behind: 1013 "try again later" (it reconnects and is served afresh). */
export const CLOSE_TOO_SLOW = 1013;
export const TOO_SLOW_REASON = 'fell too far behind the event stream; reconnect';
/** Messages waiting for one client, at most (bytes), before it is dropped. */
export const MAX_QUEUED_BYTES = 1024 * 1024;
/** The socket is given more only while it holds less than this: the rest waits here, where it can be dropped. */
export const SOCKET_HIGH_WATER = 64 * 1024;
/**
 * How long a client the server closed has to read its close frame before its socket is torn down
 * (the client then sees 1006). One that reads again within it gets the code and reason; one that
 * never reads cannot get anything, and holds its socket and kernel buffers no longer than this.
 */
export const CLOSE_GRACE_MS = 10_000;

export interface OutboxOptions {
  /** Bytes waiting for the client past which it is closed with 1013 (default MAX_QUEUED_BYTES). */
  maxQueuedBytes?: number;
  /** The close reason a client that fell behind gets (at most 123 bytes). */
  tooSlowReason?: string;
  /** Runs the close grace (CLOSE_GRACE_MS). */
  clock?: Pick<Clock, 'setTimer'>;
}

type Message = string | Uint8Array;

/**
 * What one WebSocket client has yet to read, bounded, in order. Messages go to the socket only while
 * its own buffer is small; the rest waits in this queue. A client that falls `maxQueuedBytes` behind
 * has the queue dropped at once (memory freed) and gets a close frame with a reason right behind the
 * little the socket still holds — not after a megabyte of stale data, and not a bare 1006 once the
 * socket is torn down. Every close goes through here, so it follows what was sent before it.
 */
export class BoundedOutbox {
  readonly #queue: Message[] = [];
  #queuedBytes = 0;
  /** Set once a close is asked for: nothing more is accepted, and the close goes out once the queue is empty. */
  #closing: { code: number; reason: string } | null = null;
  readonly #maxQueuedBytes: number;
  readonly #tooSlowReason: string;
  readonly #clock: Pick<Clock, 'setTimer'>;

  constructor(
    private readonly ws: WebSocket,
    { maxQueuedBytes = MAX_QUEUED_BYTES, tooSlowReason = TOO_SLOW_REASON, clock = systemClock }: OutboxOptions = {},
  ) {
    this.#maxQueuedBytes = maxQueuedBytes;
    this.#tooSlowReason = tooSlowReason;
    this.#clock = clock;
  }

  /** Bytes waiting here (not yet handed to the socket). */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Whether messages are still accepted: the socket is open and no close was asked for. */
  get open(): boolean {
    return this.#closing === null && this.ws.readyState === this.ws.OPEN;
  }

  /** A JSON text message. */
  send(message: object): void {
    this.#push(JSON.stringify(message));
  }

  /** A binary message; `data` must not change afterwards (it may wait here). */
  sendBinary(data: Uint8Array): void {
    this.#push(data);
  }

  /** Close once what is queued has gone to the socket; a client that does not read it in CLOSE_GRACE_MS is torn down. */
  close(code: number, reason: string): void {
    if (!this.open) return;
    this.#closing = { code, reason };
    this.#armGrace();
    this.#pump();
  }

  #push(data: Message): void {
    if (!this.open) return;
    this.#queue.push(data);
    this.#queuedBytes += byteLength(data);
    this.#pump();
    if (this.#queuedBytes > this.#maxQueuedBytes) this.#drop();
  }

  #pump(): void {
    const { ws } = this;
    while (this.#queue.length > 0 && ws.readyState === ws.OPEN && ws.bufferedAmount < SOCKET_HIGH_WATER) {
      const next = this.#queue.shift()!;
      this.#queuedBytes -= byteLength(next);
      // Called once the socket has written it: room for more. A write error closes the socket (logged by its 'error' handler).
      ws.send(next, (err) => {
        if (!err) this.#pump();
      });
    }
    if (this.#closing && this.#queue.length === 0 && ws.readyState === ws.OPEN) ws.close(this.#closing.code, this.#closing.reason);
  }

  #drop(): void {
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.#closing = { code: CLOSE_TOO_SLOW, reason: this.#tooSlowReason };
    this.#armGrace();
    this.#pump();
  }

  /** ws's own close timeout (30 s, real time) stays as a backstop; this one is Kiwi's, shorter and testable. */
  #armGrace(): void {
    const { ws } = this;
    const cancel = this.#clock.setTimer(() => {
      if (ws.readyState !== ws.CLOSED) ws.terminate();
    }, CLOSE_GRACE_MS);
    ws.once('close', cancel);
  }
}

const byteLength = (data: Message): number => (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength);
