import { EventEmitter } from 'node:events';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Stand-ins for a ws server and the server side of one client's socket, for the tests of clients
 * that stop reading. A real socket's buffer drains into the kernel at whatever pace the machine
 * has (megabytes on loopback); this one holds what it was handed until the test says the client
 * read it, so what the code under test sees depends on the test alone.
 */

/** What the client was handed, in order: text (JSON, parsed), binary, and the close frame. */
export type Handed = { text: Record<string, unknown> } | { binary: Buffer } | { close: { code: number; reason: string } };

export class FakeClientSocket extends EventEmitter {
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 1;
  /** Bytes handed to the socket and not yet read by the client. */
  bufferedAmount = 0;
  readonly handed: Handed[] = [];
  terminated = false;
  /** Whether the client reads: then each message is written (its callback called) a microtask after it is handed over. */
  #reading = false;
  readonly #held: Array<{ bytes: number; written?: (err?: Error) => void }> = [];

  send(data: string | Uint8Array, written?: (err?: Error) => void): void {
    if (this.readyState !== this.OPEN) {
      written?.(new Error(`send on a socket in state ${this.readyState}`)); // as ws does
      return;
    }
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this.handed.push(typeof data === 'string' ? { text: JSON.parse(data) as Record<string, unknown> } : { binary: Buffer.from(data) });
    this.bufferedAmount += bytes;
    this.#held.push({ bytes, written });
    if (this.#reading) queueMicrotask(() => this.#write());
  }

  /** The client reads all that is held now, and what comes later as it comes. */
  read(): void {
    this.#reading = true;
    while (this.#held.length > 0) this.#write();
  }

  /** The client reads what is held now, and stops again. */
  readOnce(): void {
    for (let n = this.#held.length; n > 0; n--) this.#write();
  }

  #write(): void {
    const next = this.#held.shift();
    if (!next) return;
    this.bufferedAmount -= next.bytes;
    next.written?.();
  }

  /** The server sends its close frame; the socket stays CLOSING until the client answers it (`answerClose`) or it is torn down. */
  close(code: number, reason: string): void {
    if (this.readyState !== this.OPEN) return;
    this.readyState = this.CLOSING;
    this.handed.push({ close: { code, reason } });
    this.emit('closing', code, reason);
  }

  /** The client read the close frame and answered it: the socket closes with the server's code. */
  answerClose(): void {
    const frame = this.closeFrame;
    if (!frame) throw new Error('answerClose: the server has not closed this socket');
    this.#closed(frame.code, frame.reason);
  }

  terminate(): void {
    this.terminated = true;
    this.#closed(1006, '');
  }

  /** The close frame the server sent, if it did. */
  get closeFrame(): { code: number; reason: string } | null {
    const last = this.handed.at(-1);
    return last && 'close' in last ? last.close : null;
  }

  /** The binary messages handed over, joined. */
  get binary(): Buffer {
    return Buffer.concat(this.handed.flatMap((m) => ('binary' in m ? [m.binary] : [])));
  }

  /** What was handed over, as kinds: text as its `type` or `event`, then 'binary' and 'close'. */
  get kinds(): string[] {
    return this.handed.map((m) => ('text' in m ? String(m.text.type ?? m.text.event) : 'binary' in m ? 'binary' : 'close'));
  }

  /** A message from the client. */
  receive(data: string | Buffer): void {
    this.emit('message', Buffer.from(data), typeof data !== 'string');
  }

  #closed(code: number, reason: string): void {
    if (this.readyState === this.CLOSED) return;
    this.readyState = this.CLOSED;
    this.#held.length = 0;
    this.emit('close', code, Buffer.from(reason));
  }

  get asWs(): WebSocket {
    return this as unknown as WebSocket;
  }
}

/** A ws server that only hands connections over: `connect` gives it a fake client. */
export class FakeServer extends EventEmitter {
  get asWss(): WebSocketServer {
    return this as unknown as WebSocketServer;
  }

  connect(socket = new FakeClientSocket()): FakeClientSocket {
    this.emit('connection', socket, {}, null);
    return socket;
  }
}
