import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EventBus } from '../engine/events/event-bus.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import type { ServerServices } from './services.ts';
import { audioRuntime, closed, closeServers, connect, nextConnection, serve } from './testing/bare-ws.ts';
import { AudioSockets, CLOSE_TOO_CHATTY, CONTROL_BURST } from './ws-audio.ts';
import { attachEventStream } from './ws-events.ts';
import { keepAlive } from './ws-heartbeat.ts';
import { CLOSE_TOO_SLOW, SOCKET_HIGH_WATER } from './ws-outbox.ts';

afterEach(closeServers);

describe('/api/audio against a chatty client', () => {
  it('answers a burst of bad frames, then closes with 1008 instead of answering (and broadcasting) every one', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z'); // no refill while the frames arrive
    const bus = new EventBus();
    const runtime = audioRuntime(bus);
    const sockets = new AudioSockets(runtime, clock);
    const { url } = await serve((wss) => sockets.attach(wss));
    const broadcast: string[] = [];
    bus.on('AUDIO_ERROR', (data) => broadcast.push(data.code));
    const gone = new Promise((resolve) => bus.on('WEB_CLIENT_DISCONNECTED', resolve));

    const client = await connect(url);
    const errors: string[] = [];
    client.on('message', (raw, isBinary) => {
      if (!isBinary) errors.push((JSON.parse(raw.toString()) as { code: string }).code);
    });
    const FRAMES = 200;
    // Resolves on the close, or (old behaviour) once every bad frame got its answer.
    const outcome = new Promise<number | 'answered all'>((resolve) => {
      client.on('close', (code) => resolve(code));
      client.on('message', () => errors.length >= FRAMES && resolve('answered all'));
    });
    for (let i = 0; i < FRAMES; i++) client.send(Buffer.alloc(1)); // odd byte count: a bad frame

    expect(await outcome).toBe(CLOSE_TOO_CHATTY);
    expect(errors.slice(0, CONTROL_BURST)).toEqual(Array(CONTROL_BURST).fill('bad_frame'));
    expect(errors.at(-1)).toBe('too_many_messages');
    expect(errors).toHaveLength(CONTROL_BURST + 1);
    expect(broadcast).toHaveLength(CONTROL_BURST + 1);
    await gone;
    expect(sockets.count).toBe(0);
  });

  it('counts control messages too: a stream of hellos ends the same way', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const runtime = audioRuntime();
    const { url } = await serve((wss) => new AudioSockets(runtime, clock).attach(wss));
    const client = await connect(url);
    const replies: string[] = [];
    const outcome = new Promise<number | 'answered all'>((resolve) => {
      client.on('close', (code) => resolve(code));
      client.on('message', (raw) => {
        replies.push((JSON.parse(raw.toString()) as { type: string }).type);
        if (replies.length >= 100) resolve('answered all');
      });
    });
    for (let i = 0; i < 100; i++) client.send(JSON.stringify({ type: 'hello', sample_rate: 16000 }));
    expect(await outcome).toBe(CLOSE_TOO_CHATTY);
    expect(replies.filter((type) => type === 'hello_ack')).toHaveLength(CONTROL_BURST);
  });

  it('lets a browser that sends a control message now and then carry on', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const runtime = audioRuntime();
    const { url } = await serve((wss) => new AudioSockets(runtime, clock).attach(wss));
    const client = await connect(url);
    const acks: unknown[] = [];
    for (let i = 0; i < CONTROL_BURST * 3; i++) {
      const ack = new Promise((resolve) => client.once('message', resolve));
      client.send(JSON.stringify({ type: 'hello', sample_rate: 16000 }));
      acks.push(await ack);
      await clock.advance(1000); // one a second: well within the budget
    }
    expect(acks).toHaveLength(CONTROL_BURST * 3);
    expect(client.readyState).toBe(WebSocket.OPEN);
    client.close();
  });
});

describe('WebSocket heartbeat', () => {
  it('terminates a client that stopped answering pings and keeps the one that answers', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const { wss, url } = await serve((wss) => keepAlive(wss, clock, 30_000));
    const liveSide = nextConnection(wss);
    const live = await connect(url);
    const liveServer = await liveSide;
    const deadSide = nextConnection(wss);
    const dead = await connect(url);
    const deadServer = await deadSide;
    dead.pause(); // a suspended laptop: reads nothing, answers no ping

    const pong = new Promise((resolve) => liveServer.once('pong', resolve));
    await clock.advance(30_000); // first ping to both
    await pong;
    const deadClosed = closed(deadServer);
    await clock.advance(30_000); // the silent one is gone; the live one is pinged again
    expect(await deadClosed).toBe(1006);
    expect(liveServer.readyState).toBe(WebSocket.OPEN);
    expect(wss.clients.size).toBe(1);
    live.close();
    dead.terminate();
  });

  it('stops pinging once the server is closed', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const { wss } = await serve((wss) => keepAlive(wss, clock, 30_000));
    expect(clock.pendingCount).toBe(1);
    await new Promise((resolve) => wss.close(resolve));
    expect(clock.pendingCount).toBe(0);
  });
});

describe('/api/events against a client that stopped reading', () => {
  it('closes it with 1013 and a reason right behind what the socket holds, frees its queue, and lets it reconnect', async () => {
    const bus = new EventBus();
    const runtime = { engine: { state: 'idle' }, bus, logger: { warn: () => undefined } } as unknown as Pick<ServerServices, 'engine' | 'bus' | 'logger'>;
    const maxQueuedBytes = 32 * 1024;
    const { wss, url } = await serve((wss) => attachEventStream(wss, runtime, { maxQueuedBytes }));
    const serverSide = nextConnection(wss);
    const client = new WebSocket(url);
    await new Promise((resolve) => client.once('message', resolve)); // CONNECTED
    const server = await serverSide;
    client.pause(); // reads nothing more: the socket's buffers fill up

    const message = 'x'.repeat(1000);
    let emitted = 0;
    // Bounded: a client that is never dropped ends the loop too (and fails below).
    while (server.readyState === WebSocket.OPEN && emitted < 50_000) {
      bus.emit('ERROR', { code: 'test', message }, 'test');
      emitted += 1;
    }
    expect(server.readyState).toBe(WebSocket.CLOSING);
    // What stays behind for this client is what its socket held, not the whole backlog.
    expect(server.bufferedAmount).toBeLessThan(SOCKET_HIGH_WATER + 2 * message.length);

    const received: string[] = [];
    client.on('message', (raw) => received.push(raw.toString()));
    const closing = new Promise<[number, string]>((resolve) => client.once('close', (code, reason) => resolve([code, reason.toString()])));
    client.resume();
    const [code, reason] = await closing;
    expect(code).toBe(CLOSE_TOO_SLOW);
    expect(reason).toMatch(/too far behind/);
    expect(received.length).toBeLessThan(emitted);

    // It comes back and is served afresh.
    const again = new WebSocket(url);
    const hello = await new Promise<string>((resolve) => again.once('message', (raw) => resolve(raw.toString())));
    expect(JSON.parse(hello)).toMatchObject({ event: 'CONNECTED', data: { state: 'idle' } });
    again.close();
  });
});
