import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import type { EventEnvelope } from '../../contract/events.ts';
import { AudioHub } from '../audio/audio-hub.ts';
import { Engine } from '../engine.ts';
import { EventBus } from '../events/event-bus.ts';
import { loadCatalog } from '../models/catalog.ts';
import { describeWithModels } from '../models/testing/model-env.ts';
import { concat, silence, speak, speechToolsMissing } from '../models/testing/speech.ts';
import { buildParts, type BuiltParts } from '../parts.ts';
import type { Pcm } from '../stages.ts';
import type { TurnHandler, TurnResult } from './turn.ts';

const RATE = 16000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stand-in for the conversation layer (a later issue): it repeats the command, so replies are checkable. */
const echoHandler: TurnHandler = async (request) => ({ command: 'echo', reply: [`You said: ${request.text}.`] });

function noise(seconds: number, level: number, seed = 11): Float32Array {
  let s = seed;
  return Float32Array.from({ length: Math.round(seconds * RATE) }, () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * level);
}

function mix(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + (b[i % b.length] ?? 0));
}

describeWithModels('the voice loop on real models (Silero VAD, Whisper tiny.en, openWakeWord, Piper)', (modelsDir) => {
  let textBuilt: BuiltParts;
  const engines: Engine[] = [];

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    textBuilt = await buildParts({ config: config(), modelsDir, catalog: await loadCatalog() });
    expect(textBuilt.missing.vad ?? textBuilt.missing.stt ?? textBuilt.missing.tts).toBeUndefined();
  }, 60_000);
  afterAll(() => {
    for (const engine of engines) engine.dispose();
  });

  function config(overrides: Partial<Config> = {}): Config {
    return { ...DEFAULT_CONFIG, wake_word_engine: 'text', tts_provider: 'piper', ...overrides, voice: { ...DEFAULT_CONFIG.voice, ...overrides.voice } };
  }

  /** An engine whose replies land in `played` (a sink that plays in real time when `realtime`). */
  function setup(built: BuiltParts, cfg: Config, handler: TurnHandler = echoHandler, realtime = false) {
    const bus = new EventBus((err) => {
      throw err;
    });
    const events: EventEnvelope[] = [];
    bus.subscribe((e) => events.push(e));
    const hub = new AudioHub();
    const played: Array<{ audio: Pcm; completed: boolean }> = [];
    hub.addSink({
      id: 'test',
      play: async (audio, signal) => {
        const entry = { audio, completed: false };
        played.push(entry);
        if (realtime) {
          const until = Date.now() + (audio.samples.length / audio.sampleRate) * 1000;
          while (Date.now() < until) {
            signal.throwIfAborted();
            await sleep(20);
          }
        }
        entry.completed = true;
      },
    });
    const engine = new Engine({ config: () => cfg, bus, hub, built: { ...built, parts: { ...built.parts } }, handler });
    engine.start();
    engines.push(engine);
    const results: TurnResult[] = [];
    engine.onResult((r) => results.push(r));
    return { engine, events, played, results };
  }

  async function feed(engine: Engine, audio: Float32Array, source = 'test', awaitTurns = true) {
    const session = engine.listen(source, { awaitTurns });
    for (let at = 0; at < audio.length; at += 1600) await session.push(audio.subarray(at, at + 1600));
    await engine.endSource(source);
  }

  it.each(['en-us', 'en-gb', 'en-us+f3'])('hears "Kiwi, what time is it?" in voice %s: wake word, command, spoken reply', async (voice) => {
    const { engine, played, results, events } = setup(textBuilt, config());
    await feed(engine, concat(silence(0.7), speak('Kiwi, what time is it?', voice), silence(1.5)));
    const answered = results.filter((r) => r.reply);
    expect(answered, JSON.stringify(results)).toHaveLength(1);
    expect(answered[0]!.wake).toBe(true);
    expect(answered[0]!.reply!.toLowerCase()).toMatch(/what time is it/);
    expect(answered[0]!.reply!.toLowerCase()).not.toMatch(/kiwi/);
    expect(answered[0]!.timings_ms.first_audio).toBeGreaterThan(0);
    const seconds = played.reduce((n, p) => n + p.audio.samples.length / p.audio.sampleRate, 0);
    expect(seconds).toBeGreaterThan(1); // "You said: what time is it." takes well over a second
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['SPEECH_STARTED', 'WAKE_WORD_DETECTED', 'SPEECH_RECOGNIZED', 'TTS_STARTED', 'TTS_FINISHED']));
  }, 60_000);

  it('ignores a long stretch of other speech over noise (no wake word, no reply)', async () => {
    const { engine, results, events } = setup(textBuilt, config());
    const chatter = [
      'The meeting moved to Thursday afternoon.',
      'Could you pass me the salt, please?',
      'I think the train leaves at seven fifteen.',
      'We should water the plants before we go.',
      'My cousin bought a new bicycle last week.',
      'Turn left after the bakery and keep going.',
    ].map((line, i) => concat(speak(line, i % 2 ? 'en-gb' : 'en-us'), silence(1.2)));
    const speech = concat(...chatter);
    await feed(engine, mix(speech, noise(3, 0.02)));
    expect(results.length).toBeGreaterThanOrEqual(4); // the VAD did find the utterances
    expect(results.every((r) => r.ignored === 'no wake word'), JSON.stringify(results)).toBe(true);
    expect(events.some((e) => e.event === 'SPEECH_RECOGNIZED' || e.event === 'TTS_STARTED')).toBe(false);
  }, 120_000);

  it('after "Kiwi" alone it plays the cue, and the next utterance needs no wake word', async () => {
    const { engine, results, played } = setup(textBuilt, config());
    await feed(engine, concat(silence(0.5), speak('Kiwi.'), silence(2), speak('Turn on the kitchen lights.'), silence(1.5)));
    expect(results[0]).toMatchObject({ wake: true, command: null, reply: null });
    expect(played[0]!.audio.sampleRate).toBe(16000); // the cue comes first
    expect(results[1]!.reply!.toLowerCase()).toMatch(/kitchen lights/);
    expect(results[1]!.wake).toBe(false);
  }, 60_000);

  it('after a reply, a follow-up within voice.follow_up_s needs no wake word; later speech does', async () => {
    const { engine, results } = setup(textBuilt, config({ voice: { ...DEFAULT_CONFIG.voice, follow_up_s: 4 } }));
    await feed(
      engine,
      concat(silence(0.5), speak('Kiwi, what time is it?'), silence(1.5), speak('And what is the date?'), silence(6), speak('Nice weather today.'), silence(1.5)),
    );
    expect(results.map((r) => r.ignored ?? 'answered')).toEqual(['answered', 'answered', 'no wake word']);
  }, 60_000);

  it('speech from before the reply, still queued behind a slow turn, is no follow-up', async () => {
    // A live input does not wait for turns: the second sentence ends and queues while the first is still being answered.
    let fed!: () => void;
    const allFed = new Promise<void>((resolve) => (fed = resolve));
    const slow: TurnHandler = async (request) => {
      await allFed;
      return echoHandler(request);
    };
    const { engine, results } = setup(textBuilt, config({ voice: { ...DEFAULT_CONFIG.voice, follow_up_s: 4 } }), slow);
    const session = engine.listen('live', { awaitTurns: false });
    const audio = concat(silence(0.5), speak('Kiwi, what time is it?'), silence(1.5), speak('Nice weather today.'), silence(1.5));
    for (let at = 0; at < audio.length; at += 1600) await session.push(audio.subarray(at, at + 1600));
    fed();
    // The input stays open (a live microphone): Kiwi answers the first, then judges the second.
    for (let waited = 0; results.length < 2 && waited < 60_000; waited += 50) await sleep(50);
    await engine.endSource('live');
    expect(results.map((r) => r.ignored ?? 'answered'), JSON.stringify(results)).toEqual(['answered', 'no wake word']);
  }, 90_000);

  it('with openWakeWord ("hey jarvis") it transcribes only utterances that carry the wake word', async () => {
    const cfg = config({ wake_word_engine: 'openwakeword', wake_word: 'hey jarvis' });
    const built = await buildParts({ config: cfg, modelsDir, catalog: await loadCatalog() });
    expect(built.parts.wake?.name).toBeTruthy();
    const { engine, results } = setup(built, cfg);
    await feed(engine, concat(silence(0.5), speak('What time is it?'), silence(1.5), speak('Hey Jarvis, what time is it?'), silence(1.5)));
    expect(results[0]).toMatchObject({ ignored: 'no wake word', transcript: '' }); // not even transcribed
    expect(results[1]!.wake).toBe(true);
    expect(results[1]!.reply!.toLowerCase()).toMatch(/what time is it/);
  }, 60_000);

  it('speech in other languages (ru, de, es, zh): the VAD finds each sentence, openWakeWord stays quiet', async () => {
    const cfg = config({ wake_word_engine: 'openwakeword', wake_word: 'hey jarvis' });
    const built = await buildParts({ config: cfg, modelsDir, catalog: await loadCatalog() });
    const { engine, results, events } = setup(built, cfg);
    const lines: Array<[string, string]> = [
      ['ru', 'Сегодня вечером мы пойдём в театр.'],
      ['de', 'Morgen fahren wir mit dem Zug nach Berlin.'],
      ['es', 'Mi hermana vive cerca de la playa.'],
      ['cmn', '我们明天早上去公园散步。'],
    ];
    await feed(engine, concat(...lines.map(([voice, text]) => concat(silence(0.8), speak(text, voice))), silence(1.5)));
    expect(results.length, JSON.stringify(results)).toBe(lines.length);
    expect(results.every((r) => r.ignored === 'no wake word')).toBe(true);
    expect(events.some((e) => e.event === 'WAKE_WORD_DETECTED')).toBe(false);
  }, 60_000);

  it('barge-in: speaking over a long answer stops playback and synthesis at once', async () => {
    const story: TurnHandler = async () => ({
      command: 'story',
      reply: Array.from({ length: 6 }, (_, i) => `This is sentence number ${i + 1} of a rather long story about a small green bird.`),
    });
    const { engine, events, played } = setup(textBuilt, config(), story, true);
    const session = engine.listen('live'); // live input: turns run while audio keeps flowing
    const push = async (audio: Float32Array) => {
      for (let at = 0; at < audio.length; at += 1600) {
        await session.push(audio.subarray(at, at + 1600));
        await sleep(100); // real time
      }
    };
    await push(concat(silence(0.5), speak('Kiwi, tell me a story.'), silence(1)));
    for (let waited = 0; engine.state !== 'SPEAKING' && waited < 20_000; waited += 100) await push(silence(0.1));
    expect(engine.state).toBe('SPEAKING');
    await push(concat(silence(1), speak('Wait, stop, stop please.'), silence(1.5)));
    const finished = events.find((e) => e.event === 'TTS_FINISHED');
    expect(events.some((e) => e.event === 'BARGE_IN')).toBe(true);
    expect(finished?.data).toMatchObject({ interrupted: true });
    expect(played.filter((p) => p.completed).length).toBeLessThan(6);
    await engine.endSource('live');
  }, 90_000);
});
