import { create } from 'zustand';
import { errorText, type AudioChannel, type KiwiClient } from '../client/kiwi-client.ts';
import { audioStalled, ENGINE_RATE, explainMicrophoneError, startCapture, type Capture } from './capture.ts';
import { useMediaDevices } from './devices.ts';
import { ReplyPlayer } from './player.ts';
import { AUDIO_START_MS, within } from './within.ts';

/** The level meter redraws at most this often (the worklet delivers 50 blocks a second). */
const LEVEL_EVERY_MS = 100;

interface MicState {
  status: 'off' | 'starting' | 'on';
  error: string | null;
  levelDb: number;
  inputRate: number | null;
  /** The microphone capturing now, as the browser names it. */
  deviceLabel: string | null;
  framesSent: number;
  /** 16 kHz samples sent to Kiwi since the microphone started. */
  samplesSent: number;
  muted: boolean;
  speaking: boolean;
  repliesPlayed: number;
  replySamples: number;
  start(client: KiwiClient): Promise<void>;
  stop(): Promise<void>;
  /** Kiwi answers again (the event stream reconnected): a microphone that Kiwi's restart cut off starts again. */
  kiwiIsBack(client: KiwiClient): void;
  stopSpeaking(): void;
  setMuted(muted: boolean): void;
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
  let lastClient: KiwiClient | null = null;
  /** The person left the microphone on and Kiwi went away under it. */
  let resumeWhenBack = false;

  /** Replies go to the chosen speaker; one that is gone is reported, and the default plays them. */
  const chooseSpeaker = async (deviceId: string) => {
    try {
      await within(player.useSpeaker(deviceId), AUDIO_START_MS, audioStalled('switching the speaker'));
    } catch (err) {
      set({ error: `The chosen speaker cannot play (${errorText(err)}); replies play on the default speaker.` });
    }
  };
  // A different microphone while streaming: start again on it. A different speaker: switch at once.
  useMediaDevices.subscribe((devices, before) => {
    const { status } = get();
    if (devices.input !== before.input && status === 'on' && lastClient) {
      const client = lastClient;
      void get()
        .stop()
        .then(() => get().start(client));
    }
    if (devices.output !== before.output && status === 'on') void chooseSpeaker(devices.output);
  });

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
    deviceLabel: null,
    framesSent: 0,
    samplesSent: 0,
    muted: false,
    speaking: false,
    repliesPlayed: 0,
    replySamples: 0,

    async start(client) {
      if (get().status !== 'off') return;
      lastClient = client;
      set({ status: 'starting', error: null, framesSent: 0, samplesSent: 0, muted: false });
      const devices = useMediaDevices.getState();
      try {
        // Started in the click (autoplay rules). Replies need it, listening does not: one that never starts is reported, not waited for.
        await within(player.unlock(), AUDIO_START_MS, audioStalled('starting reply playback')).catch((err: unknown) =>
          set({ error: `Replies may not play in this page: ${errorText(err)}` }),
        );
        await chooseSpeaker(devices.output);
        // The microphone first: a denied permission must not open (and drop) an audio connection.
        let streaming = false;
        let frames = 0;
        let samples = 0;
        capture = await startCapture((pcm, level) => {
          if (!streaming || get().muted) return;
          channel?.sendPcm(pcm);
          frames += 1;
          samples += pcm.length;
          const now = performance.now();
          if (now - lastLevel > LEVEL_EVERY_MS) {
            lastLevel = now;
            set({ framesSent: frames, samplesSent: samples, levelDb: level });
          }
        }, devices.input);
        // Allowed now: the browser tells the devices' names.
        void devices.refresh().catch((err: unknown) => console.warn('listing audio devices failed', err));
        channel = client.openAudio(ENGINE_RATE, {
          onAudioStart: (rate) => {
            player.start(rate);
            set({ speaking: true });
          },
          onAudioChunk: (chunk) => {
            player.push(chunk);
            set((s) => ({ replySamples: s.replySamples + chunk.length }));
          },
          onAudioEnd: (interrupted) => {
            // Cut short (a stop, a barge-in): what the server had sent ahead must not play on.
            if (interrupted) player.stop();
            set((s) => ({ speaking: false, repliesPlayed: s.repliesPlayed + 1 }));
          },
          onError: (message) => set({ error: message }),
          onClose: (reason, kiwiWentAway) => {
            if (get().status !== 'on') return; // while starting, the failed `ready` reports it
            void teardown();
            resumeWhenBack = kiwiWentAway;
            const error = kiwiWentAway ? `Kiwi went away (${reason}): the microphone starts again when Kiwi is back.` : `Audio connection closed: ${reason}`;
            set({ status: 'off', speaking: false, error });
          },
        });
        await channel.ready;
        streaming = true;
        set({ status: 'on', inputRate: capture.inputRate, deviceLabel: capture.label || null });
      } catch (err) {
        await teardown();
        set({ status: 'off', error: explainMicrophoneError(err).message });
      }
    },

    async stop() {
      resumeWhenBack = false;
      set({ status: 'off', levelDb: -100, speaking: false });
      await teardown();
    },

    kiwiIsBack(client) {
      if (!resumeWhenBack || get().status !== 'off') return;
      resumeWhenBack = false;
      void get().start(client);
    },

    setMuted(muted) {
      channel?.setMuted(muted);
      set({ muted });
    },

    stopSpeaking() {
      player.stop();
      channel?.stopSpeaking();
      set({ speaking: false });
    },
  };
});
