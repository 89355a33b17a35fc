import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import type { Stt, WakeDetection } from '../stages.ts';
import { STT_ENGINES } from '../stages/stt/index.ts';
import { WAKE_ENGINES } from '../stages/wake/index.ts';
import { OpenWakeWord } from '../stages/wake/openwakeword.ts';
import { matchWakeWord } from '../stages/wake/text-match.ts';
import { loadCatalog } from './catalog.ts';
import { resolveModel } from './resolve.ts';
import { describeWithModels } from './testing/model-env.ts';
import { concat, rms, silence, speak, speechToolsMissing } from './testing/speech.ts';

const RATE = 16000;
const config: Config = { ...DEFAULT_CONFIG, voice: { ...DEFAULT_CONFIG.voice, wake_threshold: 0.5 } };

/** Sentences with no wake word, some close to one ("Alex", "Jarrod", "jars", "hey"). */
const OTHER_SPEECH = [
  'The weather is nice today and I would like some coffee',
  'Please remind me to buy milk and eggs tomorrow morning',
  'My brother travelled to Texas last summer with his friends',
  'Can you tell me how far it is to the railway station',
  'Turn off the lights in the kitchen and lock the front door',
  'She said the meeting was moved to Thursday afternoon',
  'Alex and Jarrod went to the park to play basketball',
  'Harvest season starts in September for most of the farms here',
  'Hey, are you coming to the party on Saturday night',
  'Jars of honey were lined up on the shelf by the window',
  'A large parcel arrived for you while you were away',
  'Let us play some jazz music while we cook dinner',
  'The electric car was charging in the garage overnight',
  'He is the best teacher I have ever had',
  'I think the garden needs water after such a hot week',
  'Travis lexically analysed the text in a jar of words',
];
const VOICES = ['en-us', 'en-us+m3', 'en-us+f3', 'en-gb', 'en-us+m7', 'en-gb+f2'];

/** Deterministic noise: white plus a low rumble (a one-pole low-pass of white noise). */
function noise(length: number, white: number, rumble: number, seed = 7): Float32Array {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  let low = 0;
  return Float32Array.from({ length }, () => {
    low = 0.97 * low + 0.03 * next();
    return white * next() + rumble * low;
  });
}
const mix = (a: Float32Array, b: Float32Array) => Float32Array.from(a, (s, i) => s + (b[i] ?? 0));
const db = (x: number) => 20 * Math.log10(x);

/** Feeds a stream in frames of varying size (as microphones deliver them); returns the detections. */
async function run(wake: OpenWakeWord, audio: Float32Array): Promise<WakeDetection[]> {
  const sizes = [512, 1280, 333, 4000, 160];
  const hits: WakeDetection[] = [];
  for (let at = 0, i = 0; at < audio.length; i += 1) {
    const size = sizes[i % sizes.length]!;
    const hit = await wake.accept(audio.subarray(at, at + size));
    if (hit) hits.push(hit);
    at += size;
  }
  return hits;
}

/** The highest score over a stream, from a fresh fork (the detector under test keeps its state). */
async function maxScore(wake: OpenWakeWord, audio: Float32Array): Promise<{ score: number; keyword: string }> {
  const probe = wake.fork();
  let best = { score: 0, keyword: '' };
  for (const s of await probe.scores(audio)) if (s.score > best.score) best = s;
  probe.dispose();
  return best;
}

describeWithModels('wake words on real models', (modelsDir) => {
  const wake: Record<string, OpenWakeWord> = {};
  let whisper: Stt;
  const hear = async (samples: Float32Array) => (await whisper.transcribe({ samples, sampleRate: RATE }, { language: 'en' })).text;
  const measured: string[] = [];

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    const catalog = await loadCatalog();
    for (const id of ['openwakeword-hey-jarvis', 'openwakeword-alexa', 'openwakeword-timer', 'openwakeword-weather']) {
      // The production path: catalog model → verified folder → the registered adapter.
      const model = await resolveModel('wake', id, 'en', { modelsDir, catalog, engines: ['openwakeword'] });
      wake[id] = (await WAKE_ENGINES.openwakeword!(model, { config, modelsDir })) as OpenWakeWord;
    }
    // Whisper tiny.en through Kiwi's own STT stage, as the engine runs it for the text wake word.
    const stt = await resolveModel('stt', 'stt-substitute-whisper-tiny-en', 'en', { modelsDir, catalog, engines: ['onnx-whisper'] });
    whisper = await STT_ENGINES[stt.engine]!(stt, { config, modelsDir });
  });
  afterAll(async () => {
    for (const w of Object.values(wake)) w.dispose();
    whisper?.dispose();
    if (measured.length) console.log(`wake-word measurements:\n  ${measured.join('\n  ')}`);
  });

  it('"hey jarvis" fires once per phrase, alone and with a command after it, in several voices', async () => {
    const jarvis = wake['openwakeword-hey-jarvis']!;
    for (const voice of ['en-us', 'en-us+m3', 'en-us+f3', 'en-gb']) {
      for (const text of ['hey jarvis', 'hey jarvis, what time is it']) {
        const phrase = speak(text, voice);
        const audio = concat(silence(1.5), phrase, silence(1));
        jarvis.reset();
        const hits = await run(jarvis, audio);
        const best = await maxScore(jarvis, audio);
        measured.push(`hey_jarvis on "${text}" (${voice}): max ${best.score.toFixed(3)}, ${hits.length} detection(s)`);
        expect(hits, `${text} (${voice})`).toHaveLength(1);
        expect(hits[0]!.keyword).toBe('hey jarvis');
        expect(hits[0]!.score).toBeGreaterThanOrEqual(0.5);
        // Fired during the phrase (or the chunk after it), on the stream's own sample clock.
        expect(hits[0]!.at).toBeGreaterThan(1.5 * RATE);
        expect(hits[0]!.at).toBeLessThanOrEqual(1.5 * RATE + phrase.length + 0.5 * RATE);
      }
    }
  });

  it('"alexa" fires once on its word, alone and before a command', async () => {
    const alexa = wake['openwakeword-alexa']!;
    for (const [text, voice] of [['alexa', 'en-us'], ['alexa', 'en-us+f3'], ['alexa, turn on the kitchen lights', 'en-us+m3'], ['alexa, play some music', 'en-gb']] as const) {
      alexa.reset();
      const audio = concat(silence(1.5), speak(text, voice), silence(1));
      const hits = await run(alexa, audio);
      measured.push(`alexa on "${text}" (${voice}): max ${(await maxScore(alexa, audio)).score.toFixed(3)}, ${hits.length} detection(s)`);
      expect(hits, `${text} (${voice})`).toHaveLength(1);
      expect(hits[0]!.keyword).toBe('alexa');
    }
  });

  it('each head stays quiet on the other one\'s wake word', async () => {
    const jarvisOnAlexa = await maxScore(wake['openwakeword-hey-jarvis']!, concat(silence(1.5), speak('alexa'), silence(1)));
    const alexaOnJarvis = await maxScore(wake['openwakeword-alexa']!, concat(silence(1.5), speak('hey jarvis'), silence(1)));
    expect(jarvisOnAlexa.score).toBeLessThan(0.2);
    expect(alexaOnJarvis.score).toBeLessThan(0.2);
  });

  it('hears a wake word at the very start of a stream, and counts samples from there', async () => {
    const jarvis = wake['openwakeword-hey-jarvis']!;
    const phrase = speak('hey jarvis', 'en-us+m3');
    jarvis.reset();
    const hits = await run(jarvis, concat(phrase, silence(1)));
    expect(hits).toHaveLength(1);
    expect(hits[0]!.at).toBeLessThanOrEqual(phrase.length + 0.5 * RATE);
  });

  it('fires again for a second utterance, but not twice for one', async () => {
    const jarvis = wake['openwakeword-hey-jarvis']!;
    const phrase = speak('hey jarvis');
    jarvis.reset();
    expect(await run(jarvis, concat(silence(1), phrase, silence(2.5), phrase, silence(1)))).toHaveLength(2);
  });

  it('gives the same scores whatever the frame size, and forks keep their own state', async () => {
    const jarvis = wake['openwakeword-hey-jarvis']!;
    const audio = concat(silence(0.7), speak('hey jarvis, turn it up'), silence(0.5));
    const a = jarvis.fork();
    const b = jarvis.fork();
    const whole = await a.scores(audio);
    const pieces = [];
    for (let at = 0; at < audio.length; at += 700) pieces.push(...(await b.scores(audio.subarray(at, at + 700))));
    expect(pieces.map((s) => s.at)).toEqual(whole.map((s) => s.at));
    pieces.forEach((s, i) => expect(s.score).toBeCloseTo(whole[i]!.score, 5));
    expect(whole.at(-1)!.at).toBe(Math.floor(audio.length / 1280) * 1280);
    a.dispose();
    b.dispose();
  });

  it('no false alarm in over 60 s of other speech in noise; the same noise does not hide a real wake word', async () => {
    const parts: Float32Array[] = [];
    for (let i = 0; concat(...parts).length < 62 * RATE; i += 1) {
      parts.push(speak(OTHER_SPEECH[i % OTHER_SPEECH.length]!, VOICES[i % VOICES.length]), silence(0.3 + (i % 3) * 0.4));
    }
    const speech = concat(...parts);
    const hiss = noise(speech.length, 0.02, 0.15);
    const stream = mix(speech, hiss);
    const seconds = stream.length / RATE;
    expect(seconds).toBeGreaterThanOrEqual(60);
    for (const id of ['openwakeword-hey-jarvis', 'openwakeword-alexa']) {
      const head = wake[id]!;
      head.reset();
      const hits = await run(head, stream);
      const best = await maxScore(head, stream);
      measured.push(
        `${id}: ${hits.length} false alarm(s) in ${seconds.toFixed(1)} s of other speech (${parts.length / 2} sentences, ${VOICES.length} voices), ` +
          `noise ${db(rms(hiss)).toFixed(1)} dBFS vs speech ${db(rms(speech)).toFixed(1)} dBFS; max score ${best.score.toFixed(3)}`,
      );
      expect(hits, id).toEqual([]);
    }

    // Control: the wake phrases inside the same noisy speech are still found, each once.
    const jarvis = wake['openwakeword-hey-jarvis']!;
    const phrase = speak('hey jarvis, what is on my calendar', 'en-us+f3');
    const withWake = concat(speech.subarray(0, 10 * RATE), silence(0.5), phrase, silence(0.5), speech.subarray(10 * RATE, 25 * RATE), silence(0.5), phrase, silence(0.5));
    jarvis.reset();
    const hits = await run(jarvis, mix(withWake, noise(withWake.length, 0.02, 0.15, 11)));
    measured.push(`hey_jarvis in the same noisy speech with 2 wake phrases: ${hits.length} detection(s) at ${hits.map((h) => (h.at / RATE).toFixed(2)).join(', ')} s`);
    expect(hits).toHaveLength(2);
  }, 240_000);

  // openWakeWord's command heads: closed-vocabulary recognisers through the same streaming adapter.
  it('the timer head names the duration that was said; the weather head hears the weather question', async () => {
    const timer = wake['openwakeword-timer']!;
    for (const [text, label] of [
      ['set a one minute timer', '1_minute_timer'],
      ['start a five minute timer', '5_minute_timer'],
      ['set a timer for one hour', '1_hour_timer'],
    ] as const) {
      const heard = await maxScore(timer, concat(silence(2.5), speak(text), silence(0.5)));
      expect(heard.keyword, text).toBe(label);
      expect(heard.score, text).toBeGreaterThan(0.5);
    }
    expect((await maxScore(timer, concat(silence(2.5), speak('I like to read books in the evening'), silence(0.5)))).score).toBeLessThan(0.2);
    const weather = wake['openwakeword-weather']!;
    expect((await maxScore(weather, concat(silence(2.5), speak('what is the weather like today'), silence(0.5)))).score).toBeGreaterThan(0.5);
    expect((await maxScore(weather, concat(silence(2.5), speak('I like to read books in the evening'), silence(0.5)))).score).toBeLessThan(0.2);
  });

  it('text engine: Whisper\'s transcript of "kiwi, what time is it" matches; other sentences do not', async () => {
    for (const voice of ['en-us', 'en-us+m3', 'en-gb+f3']) {
      const transcript = await hear(concat(silence(0.3), speak('kiwi, what time is it', voice), silence(0.3)));
      const match = matchWakeWord(transcript, 'kiwi', 'en');
      measured.push(`whisper (${voice}): "${transcript}" → ${JSON.stringify(match)}`);
      expect(match.matched, transcript).toBe(true);
      expect(match.command.toLowerCase(), transcript).toMatch(/^what time is it\W*$/);
    }
    for (const text of ['I bought a kiwi at the store', 'what time is it', 'please call my brother tomorrow', 'the weather is nice today']) {
      const transcript = await hear(concat(silence(0.3), speak(text), silence(0.3)));
      measured.push(`whisper: "${transcript}" → matched ${matchWakeWord(transcript, 'kiwi', 'en').matched}`);
      expect(matchWakeWord(transcript, 'kiwi', 'en').matched, transcript).toBe(false);
    }
  }, 120_000);
});
