import { describe, expect, it, vi } from 'vitest';
import type { AudioChannelHandlers, KiwiClient } from '../client/kiwi-client.ts';

/** The page's reply player, recording what it was told (the real one needs a browser's AudioContext). */
const player = vi.hoisted(() => ({ calls: [] as string[] }));
vi.mock('./player.ts', () => ({
  ReplyPlayer: class {
    unlock = async () => void player.calls.push('unlock');
    useSpeaker = async () => undefined;
    start = (rate: number) => void player.calls.push(`start ${rate}`);
    push = (samples: Int16Array) => void player.calls.push(`push ${samples.length}`);
    stop = () => void player.calls.push('stop');
    close = async () => undefined;
  },
}));
vi.mock('./capture.ts', () => ({
  ENGINE_RATE: 16000,
  audioStalled: () => () => new Error('stalled'),
  explainMicrophoneError: (err: unknown) => err,
  startCapture: async () => ({ inputRate: 48000, label: 'test microphone', stop: async () => undefined }),
}));
vi.mock('./devices.ts', () => ({
  useMediaDevices: { getState: () => ({ input: '', output: '', refresh: async () => undefined }), subscribe: () => () => undefined },
}));

const { useMic } = await import('./mic-store.ts');

describe('the page plays Kiwi replies and drops one the server cut short', () => {
  it('audio_end with interrupted (a stop, a barge-in) silences what the page still had queued', async () => {
    let handlers: AudioChannelHandlers | null = null;
    const client = {
      openAudio: (_rate: number, h: AudioChannelHandlers) => {
        handlers = h;
        return { ready: Promise.resolve(), sendPcm: () => undefined, setMuted: () => undefined, stopSpeaking: () => undefined, close: () => undefined };
      },
    } as unknown as KiwiClient;
    await useMic.getState().start(client);
    expect(useMic.getState().status).toBe('on');
    const h = handlers!;

    // A reply that plays to its end: nothing is cut.
    player.calls.length = 0;
    h.onAudioStart(22050);
    h.onAudioChunk(new Int16Array(2205));
    h.onAudioEnd(false);
    expect(player.calls).toEqual(['start 22050', 'push 2205']);
    expect(useMic.getState().speaking).toBe(false);

    // The server stopped the reply: the ~0.3 s it had sent ahead must not play on.
    player.calls.length = 0;
    h.onAudioStart(22050);
    h.onAudioChunk(new Int16Array(2205));
    h.onAudioEnd(true);
    expect(player.calls).toEqual(['start 22050', 'push 2205', 'stop']);
    expect(useMic.getState()).toMatchObject({ speaking: false, repliesPlayed: 2 });
    await useMic.getState().stop();
  });
});
