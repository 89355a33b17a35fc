import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { TestWsClient, wsUrl } from '../testing/ws-client.ts';
import { CLOSE_TOO_FAST } from './ws-audio.ts';

/**
 * /api/audio keeps real time: a client may send at most ~1.5x real time on average. A script that
 * dumps a long recording at once is told why and disconnected once it is 10 s ahead (a stalled
 * server reading a live microphone's queued frames stays below that); the engine's pacer keeps
 * at most 2 s of what got through waiting (real-time-pacer.test.ts).
 */
describe('WebSocket /api/audio flow control', () => {
  let k: TestKiwi;
  beforeAll(async () => {
    k = await startTestKiwi();
  });
  afterAll(async () => {
    await k?.cleanup();
  });

  it('closes a client that sends 30 s of audio at once with 4429 audio_too_fast', async () => {
    const client = await TestWsClient.connect(wsUrl(k.url, '/api/audio'));
    const reached = new Map<string, number>();
    const off = k.kiwi.runtime.hub.onFrame((source, samples) => reached.set(source, (reached.get(source) ?? 0) + samples.length));
    try {
      const frame = Buffer.alloc(16000 * 2 * 0.25); // 250 ms at 16 kHz
      for (let i = 0; i < 120 && client.ws.readyState === client.ws.OPEN; i++) client.send(frame);
      const error = await client.waitFor((m) => m.type === 'error');
      expect(error).toMatchObject({ code: 'audio_too_fast', message: expect.stringContaining('1.5x real time') });
      const deadline = Date.now() + 5000;
      while (!client.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(client.closed).toEqual({ code: CLOSE_TOO_FAST, reason: 'audio_too_fast' });
      const seconds = [...reached.values()].reduce((a, b) => a + b, 0) / 16000;
      expect(seconds).toBeGreaterThan(9.5);
      expect(seconds).toBeLessThanOrEqual(12); // the 10 s allowance, plus what 1.5x earns while the frames arrive (slow on a loaded machine)
    } finally {
      off();
      await client.close();
    }
  });
});
