import { describe, expect, it, vi } from 'vitest';
import type { AudioOut, CallResult, KiwiDesktopApi } from '../../../main/desktop/ipc-contract.ts';
import type { EventEnvelope } from '../../../main/contract/events.ts';
import { KiwiApiError, type AudioChannelHandlers } from '../client/kiwi-client.ts';
import { createIpcClient } from './ipc-client.ts';

/** A stand-in for window.kiwi that records calls and lets the test push events and audio. */
function fakeDesktop(answer: (route: string, input: unknown) => CallResult) {
  const eventListeners = new Set<(e: EventEnvelope) => void>();
  const outputListeners = new Set<(m: AudioOut) => void>();
  const sent: unknown[] = [];
  let openResult: Awaited<ReturnType<KiwiDesktopApi['audio']['open']>> = { ok: true, engineSampleRate: 16000 };
  const api = {
    isDesktop: true as const,
    platform: 'linux',
    call: vi.fn(async (route: string, input?: unknown) => answer(route, input)),
    subscribeEvents: vi.fn((listener: (e: EventEnvelope) => void) => {
      eventListeners.add(listener);
      return () => void eventListeners.delete(listener);
    }),
    audio: {
      open: vi.fn(async (_rate: number) => openResult),
      send: vi.fn((pcm: Int16Array) => void sent.push(pcm)),
      control: vi.fn(),
      close: vi.fn(),
      onOutput: vi.fn((listener: (m: AudioOut) => void) => {
        outputListeners.add(listener);
        return () => void outputListeners.delete(listener);
      }),
    },
    shell: { openWindow: vi.fn(), getStartAtLogin: vi.fn(), setStartAtLogin: vi.fn() },
  } satisfies KiwiDesktopApi;
  return {
    api,
    sent,
    emit: (e: unknown) => eventListeners.forEach((l) => l(e as EventEnvelope)),
    output: (m: AudioOut) => outputListeners.forEach((l) => l(m)),
    refuseAudio: () => (openResult = { ok: false, error: { code: 'bad_sample_rate', message: 'sample rate must be one of 16000' } }),
    listeners: () => eventListeners.size + outputListeners.size,
  };
}

const handlers = () => ({
  onAudioStart: vi.fn((_rate: number) => undefined),
  onAudioChunk: vi.fn((_pcm: Int16Array) => undefined),
  onAudioEnd: vi.fn((_interrupted: boolean) => undefined),
  onError: vi.fn((_message: string) => undefined),
  onClose: vi.fn((_reason: string, _kiwiWentAway: boolean) => undefined),
}) satisfies AudioChannelHandlers;

describe('KiwiClient over the preload API', () => {
  it('passes route id and {params, body} through and returns the data', async () => {
    const d = fakeDesktop(() => ({ ok: true, status: 200, data: { soul: 'comedian', name: 'Comedian', nsfw: false, model: '' } }));
    const client = createIpcClient(d.api);
    const answer = await client.call('setSoul', { body: { soul: 'comedian' } });
    expect(answer).toEqual({ soul: 'comedian', name: 'Comedian', nsfw: false, model: '' });
    expect(d.api.call).toHaveBeenCalledWith('setSoul', { body: { soul: 'comedian' } });
  });

  it('turns error results into KiwiApiError and reports a 401 on a protected route only', async () => {
    const unauthorized = vi.fn();
    const d = fakeDesktop(() => ({ ok: false, status: 401, error: { code: 'unauthorized', message: 'Authentication required' } }));
    const client = createIpcClient(d.api, unauthorized);
    const err = await client.call('status').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KiwiApiError);
    expect(err).toMatchObject({ code: 'unauthorized', status: 401, message: 'Authentication required' });
    expect(unauthorized).toHaveBeenCalledOnce();
    await client.call('login', { body: { token: 'x'.repeat(20) } }).catch(() => undefined);
    expect(unauthorized).toHaveBeenCalledOnce(); // login is public: a wrong token is not a lost session
  });

  it('delivers valid event envelopes, reports the connection on CONNECTED, and drops junk', () => {
    const d = fakeDesktop(() => ({ ok: true, status: 200, data: null }));
    const seen: string[] = [];
    const connection = vi.fn();
    const stop = createIpcClient(d.api).onEvent((e) => seen.push(e.event), connection);
    expect(connection).not.toHaveBeenCalled();
    d.emit({ event: 'CONNECTED', data: { state: 'IDLE' }, timestamp: '2026-01-01T00:00:00Z', source: 'desktop' });
    d.emit({ event: 'NOT_AN_EVENT', data: {}, timestamp: 'x', source: 'y' });
    d.emit('garbage');
    d.emit({ event: 'SOUL_CHANGED', data: { soul_id: 'x' }, timestamp: '2026-01-01T00:00:01Z', source: 'souls' });
    expect(seen).toEqual(['CONNECTED', 'SOUL_CHANGED']);
    expect(connection).toHaveBeenCalledExactlyOnceWith(true);
    stop();
    expect(d.listeners()).toBe(0);
  });

  it('audio: sends PCM only after open succeeded, relays reply audio, mute/stop, and cleans up on close', async () => {
    const d = fakeDesktop(() => ({ ok: true, status: 200, data: null }));
    const h = handlers();
    const channel = createIpcClient(d.api).openAudio(16000, h);
    channel.sendPcm(new Int16Array(320)); // before ready: dropped
    await channel.ready;
    expect(d.api.audio.open).toHaveBeenCalledWith(16000);
    const frame = new Int16Array([1, 2, 3]);
    channel.sendPcm(frame);
    expect(d.sent).toEqual([frame]);
    d.output({ type: 'start', sampleRate: 22050 });
    d.output({ type: 'chunk', pcm: new Int16Array([5, -5]) });
    // A copy across the bridge may arrive as plain bytes: still read as s16le.
    d.output({ type: 'chunk', pcm: new Uint8Array(new Int16Array([7, -7]).buffer) as unknown as Int16Array });
    d.output({ type: 'end', interrupted: true });
    d.output({ type: 'error', code: 'bad_frame', message: 'too long' });
    expect(h.onAudioStart).toHaveBeenCalledWith(22050);
    expect(h.onAudioChunk.mock.calls.map(([pcm]) => [...pcm])).toEqual([[5, -5], [7, -7]]);
    expect(h.onAudioEnd).toHaveBeenCalledWith(true);
    expect(h.onError).toHaveBeenCalledWith('too long (bad_frame)');
    channel.setMuted(true);
    channel.stopSpeaking();
    expect(d.api.audio.control.mock.calls).toEqual([['mute'], ['stop']]);
    channel.close();
    channel.close();
    expect(d.api.audio.close).toHaveBeenCalledOnce();
    expect(h.onClose).toHaveBeenCalledExactlyOnceWith('microphone off', false);
    channel.sendPcm(frame);
    expect(d.sent).toHaveLength(1);
    expect(d.listeners()).toBe(0);
  });

  it('audio: a refused open rejects ready with the reason and stops listening for output', async () => {
    const d = fakeDesktop(() => ({ ok: true, status: 200, data: null }));
    d.refuseAudio();
    const channel = createIpcClient(d.api).openAudio(12345, handlers());
    await expect(channel.ready).rejects.toThrow('Kiwi refused the microphone: sample rate must be one of 16000');
    expect(d.listeners()).toBe(0);
  });
});
