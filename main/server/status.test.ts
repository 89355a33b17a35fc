import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../contract/routes.ts';
import { toApiSpeaker } from '../speakers/speaker-service.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { TestWsClient, wsUrl } from '../testing/ws-client.ts';

/**
 * /api/status tells the truth about a fresh install (no models here): the voice that speaks, not
 * only the configured one; not listening without a VAD; the household open until an owner is enrolled;
 * owner hands-free on once there is an owner (HANDS_FREE_CHANGED says so).
 */
describe('GET /api/status on a fresh install', () => {
  let k: TestKiwi;
  let events: TestWsClient;
  const status = async () => routes.status.response.parse((await k.request('GET', '/api/status')).json);

  beforeAll(async () => {
    k = await startTestKiwi({ config: { voice: { owner_hands_free: { enabled: true } } } });
    events = await TestWsClient.connect(wsUrl(k.url, '/api/events'));
    await events.waitForEvent('CONNECTED');
  });
  afterAll(async () => {
    await events?.close();
    await k?.cleanup();
  });

  it('names the voice that speaks (the system voice: kokoro is not installed) and the configured one', async () => {
    expect(await status()).toMatchObject({ tts_provider: 'system', tts_configured: 'kokoro' });
    expect((await k.request('GET', '/api/config')).json).toMatchObject({ tts_provider: 'kokoro' });
  });

  it('is not listening while the VAD is missing, though listening is on in config', async () => {
    const now = await status();
    expect(now.missing.some((line) => line.startsWith('vad: '))).toBe(true);
    expect(now.listening).toBe(false);
    expect(k.kiwi.runtime.config.current.listening).toBe(true);
  });

  it('is an open household until the first owner is enrolled; then hands-free turns on for that owner', async () => {
    expect(await status()).toMatchObject({ household_open: true, hands_free_active: false });
    const runtime = k.kiwi.runtime;
    const owner = runtime.store.speakers.create({ name: 'Olga', priority: 0 });
    // What Enrollment announces when it has learned a voice (the voice itself needs a speaker model, tested elsewhere).
    runtime.bus.emit('SPEAKER_ADDED', { speaker: toApiSpeaker(owner), auto_learned: false }, 'speakers');
    expect((await events.waitForEvent('HANDS_FREE_CHANGED')).data).toEqual({ active: true, reason: 'owner_enrolled' });
    expect(await status()).toMatchObject({ household_open: false, hands_free_active: true });
    const from = events.messages.length;
    await k.request('PATCH', '/api/config', { body: { voice: { owner_hands_free: { enabled: false } } } });
    expect((await events.waitForEvent('HANDS_FREE_CHANGED', from)).data).toEqual({ active: false, reason: 'disabled' });
    expect(k.kiwi.runtime.config.current.voice.owner_hands_free).toEqual({ enabled: false, guest_cooldown_s: 120 });
  });
});
