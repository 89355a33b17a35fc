import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { AudioHub } from '../audio/audio-hub.ts';
import { Engine } from '../engine.ts';
import { EventBus } from '../events/event-bus.ts';
import { EnergyVad } from '../listening/testing/energy-vad.ts';
import type { ReplyPreview, TurnHandler, TurnResult } from '../listening/turn.ts';
import type { Pcm, Tts, TtsOptions } from '../stages.ts';

/**
 * A spoken read-only command in the engine: its reply is worked out from the early transcript and
 * synthesised then, and the turn plays that audio. Stand-ins: a loudness VAD, a recognizer with a
 * fixed text, a TTS that records its calls (the timing gain is measured in `npm run bench -- turns`).
 */
function setup(reply: string) {
  const config: Config = { ...DEFAULT_CONFIG, wake_word_engine: 'text', voice: { ...DEFAULT_CONFIG.voice, min_silence_ms: 500, speculative_ms: 100, follow_up_s: 0 } };
  const synthesized: Array<{ text: string; byTurn: boolean }> = [];
  let turnSignal: AbortSignal | undefined;
  const tts: Tts = {
    name: 'recording',
    model: 'none',
    synthesize: async (text: string, options: TtsOptions): Promise<Pcm> => {
      synthesized.push({ text, byTurn: options.signal === turnSignal });
      return { samples: new Float32Array(160), sampleRate: 16000 };
    },
    dispose: () => undefined,
  };
  const stt = { name: 'fixed', model: 'fixed', transcribe: async () => ({ text: 'Kiwi, what time is it?', language: 'en' }), dispose: () => undefined };
  const handler: TurnHandler = async (request) => {
    turnSignal = request.signal;
    return { command: 'time', reply: [reply] };
  };
  const preview: ReplyPreview = async (request) => (request.text === 'what time is it?' ? "It's noon." : null);
  const bus = new EventBus();
  const hub = new AudioHub();
  hub.addSink({ id: 'speaker', play: async () => undefined });
  const engine = new Engine({ config: () => config, bus, hub, clock: new ManualClock('2026-12-05T12:00:00Z'), built: { parts: { vad: new EnergyVad(), stt, tts }, missing: {}, notes: [], wanted: [] }, handler, preview });
  engine.start();
  const results: TurnResult[] = [];
  engine.onResult((r) => results.push(r));
  const say = async () => {
    const session = engine.listen('mic', { awaitTurns: true });
    for (let i = 0; i < 20; i++) await session.push(new Float32Array(1600).fill(i < 5 ? 0.5 : 0));
    return results.at(-1);
  };
  return { say, synthesized };
}

describe("a spoken read-only command's reply", () => {
  it('is synthesised from the early transcript, once: the turn plays that audio', async () => {
    const { say, synthesized } = setup("It's noon.");
    expect(await say()).toMatchObject({ command: 'time', reply: "It's noon." });
    expect(synthesized).toEqual([{ text: "It's noon.", byTurn: false }]);
  });

  it('is synthesised again by the turn when its words turned out different', async () => {
    const { say, synthesized } = setup("It's 12:01 PM.");
    expect(await say()).toMatchObject({ command: 'time', reply: "It's 12:01 PM." });
    expect(synthesized).toEqual([
      { text: "It's noon.", byTurn: false },
      { text: "It's 12:01 PM.", byTurn: true },
    ]);
  });
});
