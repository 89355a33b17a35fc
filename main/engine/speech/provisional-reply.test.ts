import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { AudioHub } from '../audio/audio-hub.ts';
import { Engine } from '../engine.ts';
import { EventBus } from '../events/event-bus.ts';
import { EnergyVad } from '../listening/testing/energy-vad.ts';
import type { ReplyPreview, TurnHandler, TurnResult } from '../listening/turn.ts';
import type { Pcm, Tts } from '../stages.ts';

/**
 * voice.provisional_end in the engine: "Kiwi, what time is it" (say-only: the built-ins' preview
 * has its reply) ends at its early transcript and its reply starts playing; "… in Tokyo" joins it,
 * the playing reply stops and the joined words are answered. Stand-ins: a loudness VAD that hangs
 * on 600 ms, a recognizer that hears by length, a speaker that plays until it is stopped.
 */
function setup(provisional: boolean) {
  const config: Config = {
    ...DEFAULT_CONFIG,
    wake_word_engine: 'text',
    voice: { ...DEFAULT_CONFIG.voice, preroll_ms: 0, min_silence_ms: 800, max_silence_ms: 800, speculative_ms: 200, speculate_on_voice: true, provisional_end: provisional, follow_up_s: 0 },
  };
  const tts: Tts = { name: 'silent', model: 'none', synthesize: async (): Promise<Pcm> => ({ samples: new Float32Array(160), sampleRate: 16000 }), dispose: () => undefined };
  const stt = {
    name: 'by-length',
    model: 'by-length',
    transcribe: async (audio: Pcm) => ({ text: audio.samples.length < 12 * 1600 ? 'Kiwi, what time is it?' : 'Kiwi, what time is it in Tokyo?', language: 'en' }),
    dispose: () => undefined,
  };
  const handler: TurnHandler = async (request) => (request.text === 'what time is it?' ? { command: 'time', reply: ["It's noon."] } : { command: 'llm', reply: ['In Tokyo it is nine.'] });
  const preview: ReplyPreview = async (request) => (request.text === 'what time is it?' ? "It's noon." : null);
  const bus = new EventBus();
  const hub = new AudioHub();
  const played: string[] = [];
  // With provisional_end, the first reply plays until it is stopped; every other one is over at once.
  hub.addSink({
    id: 'speaker',
    play: (_audio, signal) => {
      if (played.push('play') > 1 || !provisional) return Promise.resolve();
      return new Promise((resolve) =>
        signal.addEventListener('abort', () => {
          played.push('stopped');
          resolve();
        }),
      );
    },
  });
  const engine = new Engine({ config: () => config, bus, hub, clock: new ManualClock('2026-12-05T12:00:00Z'), built: { parts: { vad: new EnergyVad(6), stt, tts }, missing: {}, notes: [], wanted: [] }, handler, preview });
  engine.start();
  const results: TurnResult[] = [];
  engine.onResult((r) => results.push(r));
  const session = engine.listen('mic', { awaitTurns: true });
  const play = async (frames: number[]) => {
    for (const v of frames) await session.push(new Float32Array(1600).fill(v));
  };
  return { results, play, played };
}

const speech = (n: number) => Array<number>(n).fill(0.5);
const quiet = (n: number) => Array<number>(n).fill(0);

describe('a provisional reply (voice.provisional_end)', () => {
  // Over Kiwi's voice only a barge-in says the user went on (else it may be Kiwi's echo): it stops the reply.
  it('starts before the endpoint; words over it barge in, stop it, and are answered joined to the first ones', async () => {
    const { results, play, played } = setup(true);
    await play([...quiet(2), ...speech(5), ...quiet(3)]); // "Kiwi, what time is it" ends 200 ms after the voice
    await play([...speech(2), ...quiet(14)]); // "… in Tokyo", while "It's noon." plays
    expect(played).toEqual(['play', 'stopped', 'play']);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ transcript: 'Kiwi, what time is it?', command: 'time', reply: "It's noon.", interrupted: 'barge_in' });
    expect(results[1]).toMatchObject({ transcript: 'Kiwi, what time is it in Tokyo?', command: 'llm', reply: 'In Tokyo it is nine.', wake: true });
    expect(results[1]!.ignored).toBeUndefined();
  });

  it('with provisional_end off, the same words are one turn, answered once the endpoint falls', async () => {
    const { results, play, played } = setup(false);
    await play([...quiet(2), ...speech(5), ...quiet(3)]);
    expect(played).toEqual([]);
    await play([...speech(2), ...quiet(14)]);
    expect(played).toEqual(['play']);
    expect(results.map((r) => r.transcript)).toEqual(['Kiwi, what time is it in Tokyo?']);
  });
});
