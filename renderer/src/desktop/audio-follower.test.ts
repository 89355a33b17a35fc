import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventEnvelope } from '../../../main/contract/events.ts';
import type { KiwiClient } from '../client/kiwi-client.ts';
import { followListening, type MicSession } from './audio-follower.ts';

function setup(listening: boolean, micFails = false) {
  let emit: (e: EventEnvelope) => void = () => undefined;
  let unsubscribed = false;
  const client = {
    call: vi.fn(async () => ({ listening })),
    onEvent: (listener: (e: EventEnvelope) => void) => {
      emit = listener;
      return () => void (unsubscribed = true);
    },
    openAudio: vi.fn(),
  } as unknown as KiwiClient;
  const mic: MicSession & { status: MicSession['status']; starts: number; stops: number } = {
    status: 'off',
    starts: 0,
    stops: 0,
    async start() {
      this.starts++;
      if (!micFails) this.status = 'on';
    },
    async stop() {
      this.stops++;
      this.status = 'off';
    },
  };
  const event = (name: EventEnvelope['event'], data: Record<string, unknown> = {}) => emit({ event: name, data, timestamp: 't', source: 's' });
  return { client, mic, event, unsubscribed: () => unsubscribed };
}

describe('hidden audio window: microphone follows listening', () => {
  afterEach(() => vi.useRealTimers());

  it('starts the microphone when Kiwi is listening, stops and restarts it with the switch', async () => {
    const s = setup(true);
    const stop = followListening(s.client, () => s.mic);
    s.event('CONNECTED', { state: 'IDLE' });
    await vi.waitFor(() => expect(s.mic.status).toBe('on'));
    s.event('CONFIG_CHANGED', { updated: { listening: false } });
    expect(s.mic.status).toBe('off');
    s.event('CONFIG_CHANGED', { updated: { language: 'de' } }); // unrelated change: nothing happens
    expect(s.mic.starts).toBe(1);
    s.event('CONFIG_CHANGED', { updated: { listening: true } });
    await vi.waitFor(() => expect(s.mic.status).toBe('on'));
    expect(s.mic.starts).toBe(2);
    stop();
    expect(s.mic.status).toBe('off');
    expect(s.unsubscribed()).toBe(true);
  });

  it('starts the microphone once a new engine can listen (a VAD was installed): status.listening decides, not the config switch', async () => {
    const s = setup(false);
    followListening(s.client, () => s.mic);
    const call = vi.mocked(s.client.call);
    s.event('CONNECTED');
    s.event('CONFIG_CHANGED', { updated: { listening: true } }); // on in config, but no VAD yet: status still says false
    for (const asked of call.mock.results) await asked.value; // the follower's reactions to these answers run first
    expect(s.mic.starts).toBe(0);
    call.mockResolvedValue({ listening: true } as never);
    s.event('ENGINE_READY', { missing: [] });
    await vi.waitFor(() => expect(s.mic.status).toBe('on'));
  });

  it.each([
    [false, 0],
    [true, 1],
  ])('on connect, asks whether Kiwi is listening (%s) and starts the microphone %i times', async (listening, starts) => {
    const s = setup(listening);
    followListening(s.client, () => s.mic);
    s.event('CONNECTED');
    const call = vi.mocked(s.client.call);
    expect(call).toHaveBeenCalledWith('status');
    await call.mock.results[0]!.value; // the follower's own reaction to this answer runs before this line goes on
    expect(s.mic.starts).toBe(starts);
  });

  it('retries a microphone that failed to start while listening is on, and not after it is off', async () => {
    vi.useFakeTimers();
    const s = setup(true, true);
    const stop = followListening(s.client, () => s.mic, 1000);
    s.event('CONNECTED');
    await vi.advanceTimersByTimeAsync(1);
    expect(s.mic.starts).toBe(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(s.mic.starts).toBe(4);
    s.event('CONFIG_CHANGED', { updated: { listening: false } });
    await vi.advanceTimersByTimeAsync(3000);
    expect(s.mic.starts).toBe(4);
    stop();
  });
});
