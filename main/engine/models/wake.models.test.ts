import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireVerifiedModel } from './require.ts';
import { describeWithModels } from './testing/model-env.ts';
import { OpenWakeWordRunner } from './testing/openwakeword-runner.ts';
import { concat, silence, speak, speechToolsMissing } from './testing/speech.ts';

/** A phrase with room before it: the heads look at up to ~3 s of embeddings. */
const clip = (text: string, voice = 'en-us') => concat(silence(2.5), speak(text, voice), silence(0.5));

describeWithModels('openWakeWord on onnxruntime-node (real models)', (modelsDir) => {
  const runners: Record<string, OpenWakeWordRunner> = {};

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    for (const [id, head] of [
      ['openwakeword-hey-jarvis', 'hey_jarvis_v0.1.onnx'],
      ['openwakeword-alexa', 'alexa_v0.1.onnx'],
      ['openwakeword-timer', 'timer_v0.1.onnx'],
      ['openwakeword-weather', 'weather_v0.1.onnx'],
    ] as const) {
      runners[id] = await OpenWakeWordRunner.load(await requireVerifiedModel(id, { modelsDir }), head);
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(runners).map((r) => r.release()));
  });

  it('"hey jarvis" fires on its phrase, in several voices', async () => {
    for (const voice of ['en-us', 'en-us+m3', 'en-us+f3']) {
      expect(await runners['openwakeword-hey-jarvis']!.maxScore(clip('hey jarvis', voice)), voice).toBeGreaterThan(0.5);
    }
  });

  it('"hey jarvis" stays quiet on other speech, on "alexa" and on silence', async () => {
    const jarvis = runners['openwakeword-hey-jarvis']!;
    expect(await jarvis.maxScore(clip('the weather is nice today and I would like some coffee'))).toBeLessThan(0.2);
    expect(await jarvis.maxScore(clip('alexa'))).toBeLessThan(0.2);
    expect(await jarvis.maxScore(silence(4))).toBeLessThan(0.2);
  });

  it('"alexa" fires on its own phrase and not on "hey jarvis"', async () => {
    expect(await runners['openwakeword-alexa']!.maxScore(clip('alexa'))).toBeGreaterThan(0.5);
    expect(await runners['openwakeword-alexa']!.maxScore(clip('hey jarvis'))).toBeLessThan(0.2);
  });

  // openWakeWord's command heads: closed-vocabulary recognisers (the timer head tells apart six
  // spoken durations), the kind of fixed-phrase commands Kiwi can handle without full STT.
  it('recognises closed-vocabulary commands: the timer head names the duration that was said', async () => {
    const timer = runners['openwakeword-timer']!;
    for (const [text, label] of [
      ['set a one minute timer', '1_minute_timer'],
      ['start a five minute timer', '5_minute_timer'],
      ['set a timer for one hour', '1_hour_timer'],
    ] as const) {
      const heard = await timer.detect(clip(text));
      expect(heard.label, text).toBe(label);
      expect(heard.score, text).toBeGreaterThan(0.5);
    }
    expect((await timer.detect(clip('I like to read books in the evening'))).score).toBeLessThan(0.2);
  });

  it('recognises the weather question and nothing else with the weather head', async () => {
    const weather = runners['openwakeword-weather']!;
    expect(await weather.maxScore(clip('what is the weather like today'))).toBeGreaterThan(0.5);
    expect(await weather.maxScore(clip('I like to read books in the evening'))).toBeLessThan(0.2);
    expect(await weather.maxScore(clip('hey jarvis'))).toBeLessThan(0.5); // openWakeWord's detection threshold
  });
});
