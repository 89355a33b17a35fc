import net from 'node:net';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { encodeEvent, EventReader, type WyomingEvent } from './framing.ts';
import { WyomingServer } from './server.ts';
import type { WyomingStages } from './stages.ts';

const noStages: WyomingStages = {
  stt: () => undefined,
  tts: () => undefined,
  wake: () => undefined,
  settings: () => ({ language: 'en', voice: '', speed: 1, wakeWord: 'kiwi' }),
  models: () => Promise.resolve({}),
};

describe('Wyoming server binding', () => {
  it('refuses to listen beyond loopback without an allow-list (Wyoming has no credentials)', async () => {
    await expect(WyomingServer.start({ enabled: true, host: '0.0.0.0', port: 0, allowed_clients: [] }, noStages, () => undefined)).rejects.toThrow(
      /wyoming.allowed_clients/,
    );
  });

  it('listens on loopback by default and counts its clients', async () => {
    const server = await WyomingServer.start({ enabled: true, host: '127.0.0.1', port: 0, allowed_clients: [] }, noStages, () => undefined);
    try {
      expect(server.status()).toMatchObject({ listening: true, host: '127.0.0.1', clients: 0, error: null });
      expect(server.status().port).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('answers a request it cannot serve with one error and keeps the connection usable', async () => {
    const server = await WyomingServer.start({ enabled: true, host: '127.0.0.1', port: 0, allowed_clients: [] }, noStages, () => undefined);
    const socket = net.connect(server.status().port, '127.0.0.1');
    const reader = new EventReader();
    const received: WyomingEvent[] = [];
    const pong = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        received.push(...reader.push(chunk));
        if (received.some((e) => e.type === 'pong')) resolve();
      }),
    );
    try {
      const format = { rate: 16000, width: 2, channels: 1 };
      const audio = Array.from({ length: 5 }, () => encodeEvent({ type: 'audio-chunk', data: format, payload: Buffer.alloc(640) }));
      socket.write(
        Buffer.concat([
          encodeEvent({ type: 'transcribe', data: { language: 'en' } }),
          encodeEvent({ type: 'audio-start', data: format }),
          ...audio,
          encodeEvent({ type: 'audio-stop', data: {} }),
          encodeEvent({ type: 'ping', data: { text: 'still there?' } }),
        ]),
      );
      await pong;
      expect(received.map((e) => [e.type, e.data.code ?? e.data.text])).toEqual([
        ['error', 'stt_unavailable'],
        ['pong', 'still there?'],
      ]);
    } finally {
      socket.destroy();
      await server.close();
    }
  });
});

describe('Wyoming server refusals', () => {
  /** A connection, open once the server has taken it (or closed when the server turned it away). */
  const connect = (port: number, host = '127.0.0.1') =>
    new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(socket));
      socket.on('error', reject);
    });

  it('says why it turns a connection away when as many clients as it serves are connected', async () => {
    const failures: string[] = [];
    let notify: () => void = () => undefined;
    const reported = new Promise<void>((resolve) => (notify = resolve));
    const server = await WyomingServer.start({ enabled: true, host: '127.0.0.1', port: 0, allowed_clients: [] }, noStages, (message) => {
      failures.push(message);
      notify();
    });
    const sockets: net.Socket[] = [];
    try {
      // Sixteen clients that each answered a ping are all being served.
      for (let i = 0; i < 16; i += 1) {
        const socket = await connect(server.status().port);
        sockets.push(socket);
        const reader = new EventReader();
        const pong = new Promise<void>((resolve) => socket.on('data', (chunk: Buffer) => reader.push(chunk).some((e) => e.type === 'pong') && resolve()));
        socket.write(encodeEvent({ type: 'ping', data: {} }));
        await pong;
      }
      expect(server.status().clients).toBe(16);
      const extra = await connect(server.status().port);
      sockets.push(extra);
      await Promise.all([reported, new Promise((resolve) => extra.on('close', resolve))]);
      expect(failures).toEqual([expect.stringMatching(/^Wyoming refused a connection from 127\.0\.0\.1: 16 connections are open already/)]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await server.close();
    }
  });

  // Needs an address of this machine beyond loopback to connect from (a CI runner or desktop has one).
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
  it.skipIf(!external)('says why it turns away a client that is not in wyoming.allowed_clients', async () => {
    let reported: (message: string) => void = () => undefined;
    const failure = new Promise<string>((resolve) => (reported = resolve));
    const server = await WyomingServer.start({ enabled: true, host: '0.0.0.0', port: 0, allowed_clients: ['192.0.2.254'] }, noStages, (message) => reported(message));
    try {
      const socket = await connect(server.status().port, external);
      await new Promise((resolve) => socket.on('close', resolve));
      expect(await failure).toBe(`Wyoming refused a connection from ${external}: it is not in wyoming.allowed_clients`);
    } finally {
      await server.close();
    }
  });
});
