import { describe, expect, it } from 'vitest';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import { FakeClientSocket } from './testing/fake-ws.ts';
import { BoundedOutbox, CLOSE_GRACE_MS, CLOSE_TOO_SLOW, SOCKET_HIGH_WATER } from './ws-outbox.ts';

// The outbox every WebSocket client's messages go through, against a socket whose buffer only the
// test empties: what waits where, the 1013 past the limit, and the grace a closed client gets.

const KIB = 1024;
/** A binary message of `bytes`, every byte `n`: order and gaps show. */
const blob = (n: number, bytes = 4 * KIB) => new Uint8Array(bytes).fill(n % 256);

function outbox(options: { maxQueuedBytes?: number; tooSlowReason?: string } = {}) {
  const clock = new ManualClock(0);
  const socket = new FakeClientSocket();
  return { clock, socket, out: new BoundedOutbox(socket.asWs, { ...options, clock }) };
}

describe('BoundedOutbox', () => {
  it('hands text and binary to the socket in order, only while it holds less than SOCKET_HIGH_WATER, the rest as the client reads', async () => {
    const { socket, out } = outbox();
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) {
      if (i % 10 === 0) {
        out.send({ type: 'mark', i });
        sent.push('mark');
      }
      out.sendBinary(blob(i));
      sent.push('binary');
    }
    // The socket got what fits under the high water mark (and the message that crossed it); the rest waits here.
    expect(socket.bufferedAmount).toBeGreaterThanOrEqual(SOCKET_HIGH_WATER);
    expect(socket.bufferedAmount).toBeLessThan(SOCKET_HIGH_WATER + 4 * KIB + 100);
    expect(out.queuedBytes).toBeGreaterThan(20 * 4 * KIB);

    for (let reads = 0; reads < 10 && out.queuedBytes > 0; reads++) socket.readOnce();
    expect(out.queuedBytes).toBe(0);
    expect(socket.kinds).toEqual(sent);
    expect(socket.binary.equals(Buffer.concat(Array.from({ length: 40 }, (_, i) => blob(i))))).toBe(true);
  });

  it('past maxQueuedBytes drops what waits and closes with 1013 and its reason right behind what the socket holds', () => {
    const { socket, out } = outbox({ maxQueuedBytes: 16 * KIB, tooSlowReason: 'fell behind the test; reconnect' });
    let pushed = 0;
    for (; out.open && pushed < 1000; pushed++) out.sendBinary(blob(pushed));
    expect(socket.closeFrame).toEqual({ code: CLOSE_TOO_SLOW, reason: 'fell behind the test; reconnect' });
    expect(out.queuedBytes).toBe(0);
    // Handed over: the socket's fill and nothing of the dropped queue, from the start without a gap.
    const held = socket.binary;
    expect(held.length).toBeLessThan(SOCKET_HIGH_WATER + 4 * KIB);
    expect(held.equals(Buffer.concat(Array.from({ length: held.length / (4 * KIB) }, (_, i) => blob(i))))).toBe(true);
    expect(pushed).toBeLessThan((SOCKET_HIGH_WATER + 16 * KIB) / (4 * KIB) + 2);

    out.send({ type: 'late' });
    out.sendBinary(blob(0));
    expect(socket.kinds.at(-1)).toBe('close');
    expect(out.queuedBytes).toBe(0);
  });

  it('closes behind what waits, and tears down a client that does not read its close frame CLOSE_GRACE_MS later', async () => {
    const { clock, socket, out } = outbox();
    for (let i = 0; i < 30; i++) out.sendBinary(blob(i));
    out.close(4000, 'done');
    expect(out.open).toBe(false);
    out.send({ type: 'after the close' }); // not accepted
    expect(socket.closeFrame).toBeNull(); // waiting behind the queue
    for (let reads = 0; reads < 10 && socket.closeFrame === null; reads++) socket.readOnce();
    expect(socket.kinds).toEqual([...Array(30).fill('binary'), 'close']);
    expect(socket.closeFrame).toEqual({ code: 4000, reason: 'done' });

    const codes: number[] = [];
    socket.on('close', (code: number) => codes.push(code));
    await clock.advance(CLOSE_GRACE_MS - 1);
    expect(socket.terminated).toBe(false); // it may still read the close frame and get the code
    await clock.advance(1);
    expect(socket.terminated).toBe(true);
    expect(codes).toEqual([1006]);
  });

  it('leaves a client that answers its close frame within the grace alone', async () => {
    const { clock, socket, out } = outbox();
    out.close(4000, 'done');
    expect(clock.pendingCount).toBe(1);
    socket.answerClose();
    expect(clock.pendingCount).toBe(0);
    await clock.advance(CLOSE_GRACE_MS);
    expect(socket.terminated).toBe(false);
  });
});
