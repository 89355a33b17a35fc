import { create } from 'zustand';
import type { AudioChannel, KiwiClient } from '../client/kiwi-client.ts';
import { ENGINE_RATE, explainMicrophoneError, startCapture, type Capture } from './capture.ts';
import { ReplyPlayer } from './player.ts';

/** The level meter redraws at most this often (the worklet delivers 50 blocks a second). */
const LEVEL_EVERY_MS = 100;

interface MicState {
  status: 'off' | 'starting' | 'on';
  error: string | null;
  levelDb: number;
  inputRate: number | null;
  framesSent: number;
  speaking: boolean;
  repliesPlayed: number;
  replySamples: number;
  start(client: KiwiClient): Promise<void>;
  stop(): Promise<void>;
  stopSpeaking(): void;
}

/**
 * The browser microphone as a session outside React: it keeps streaming while the person moves
 * between views, and there is only ever one.
 */
export const useMic = create<MicState>((set, get) => {
  let capture: Capture | null = null;
  let channel: AudioChannel | null = null;
  const player = new ReplyPlayer();
  let lastLevel = 0;

  const teardown = async () => {
    channel?.close();
    channel = null;
    const running = capture;
    capture = null;
    player.stop();
    await running?.stop();
  };

  return {
    status: 'off',
    error: null,
    levelDb: -100,
    inputRate: null,
    framesSent: 0,
    speaking: false,
    repliesPlayed: 0,
    replySamples: 0,

    async start(client) {
      if (get().status !== 'off') return;
      set({ status: 'starting', error: null, framesSent: 0 });
      try {
        await player.unlock();
        channel = client.openAudio(ENGINE_RATE, {
          onAudioStart: (rate) => {
            player.start(rate);
            set({ speaking: true });
          },
          onAudioChunk: (samples) => {
            player.push(samples);
            set((s) => ({ replySamples: s.replySamples + samples.length }));
          },
          onAudioEnd: () => set((s) => ({ speaking: false, repliesPlayed: s.repliesPlayed + 1 })),
          onError: (message) => set({ error: message }),
          onClose: (reason) => {
            if (get().status === 'off') return;
            void teardown();
            set({ status: 'off', speaking: false, error: `Audio connection closed: ${reason}` });
          },
        });
        await channel.ready;
        let frames = 0;
        capture = await startCapture((pcm, level) => {
          channel?.sendPcm(pcm);
          frames += 1;
          const now = performance.now();
          if (now - lastLevel > LEVEL_EVERY_MS) {
            lastLevel = now;
            set({ framesSent: frames, levelDb: level });
          }
        });
        set({ status: 'on', inputRate: capture.inputRate });
      } catch (err) {
        await teardown();
        set({ status: 'off', error: explainMicrophoneError(err).message });
      }
    },

    async stop() {
      set({ status: 'off', levelDb: -100, speaking: false });
      await teardown();
    },

    stopSpeaking() {
      player.stop();
      channel?.stopSpeaking();
      set({ speaking: false });
    },
  };
});
