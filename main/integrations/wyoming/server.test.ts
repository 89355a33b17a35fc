import { describe, expect, it } from 'vitest';
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
});
