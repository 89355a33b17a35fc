import net from 'node:net';
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
