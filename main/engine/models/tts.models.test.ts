import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireVerifiedModel } from './require.ts';
import { describeWithModels } from './testing/model-env.ts';
import { OpenWakeWordRunner } from './testing/openwakeword-runner.ts';
import { loadSherpa, type SherpaTts } from './testing/sherpa.ts';
import { concat, resample, rms, silence, speechToolsMissing } from './testing/speech.ts';

describeWithModels('Piper voice on sherpa-onnx (real model, converted by Kiwi)', (modelsDir) => {
  let tts: SherpaTts;
  let jarvis: OpenWakeWordRunner;
  let vadDir: string;

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    const dir = await requireVerifiedModel('tts-piper-en-us-joe-medium', { modelsDir });
    const started = Date.now();
    tts = new (loadSherpa().OfflineTts)({
      model: {
        vits: { model: path.join(dir, 'en_US-joe-medium.onnx'), tokens: path.join(dir, 'tokens.txt'), dataDir: path.join(dir, 'espeak-ng-data') },
        numThreads: 2,
        provider: 'cpu',
        debug: false,
      },
      maxNumSentences: 1,
    });
    console.log(`piper voice loaded in ${Date.now() - started} ms`);
    vadDir = await requireVerifiedModel('silero-vad', { modelsDir });
    jarvis = await OpenWakeWordRunner.load(await requireVerifiedModel('openwakeword-hey-jarvis', { modelsDir }), 'hey_jarvis_v0.1.onnx');
  });
  afterAll(async () => {
    await jarvis?.release();
  });

  const say = (text: string) => tts.generate({ text, sid: 0, speed: 1, enableExternalBuffer: false });

  it('speaks: 22.05 kHz audio whose length follows the text', () => {
    expect(tts.sampleRate).toBe(22050);
    expect(tts.numSpeakers).toBe(1);
    const started = Date.now();
    const short = say('Hello.');
    const long = say('Hello, I am Kiwi. I can set timers, answer questions and turn on the lights.');
    console.log(`two sentences synthesised in ${Date.now() - started} ms`);
    expect(short.sampleRate).toBe(22050);
    expect(rms(long.samples)).toBeGreaterThan(0.02);
    expect(long.samples.length / 22050).toBeGreaterThan(3);
    expect(long.samples.length).toBeGreaterThan(3 * short.samples.length);
  });

  it('is heard as speech by the VAD and as "hey jarvis" by openWakeWord (both runtimes in one process)', () => {
    const voice = say('Hey Jarvis!');
    const at16k = resample(voice.samples, voice.sampleRate, 16000);
    const clip = concat(silence(2.5), at16k, silence(0.5));

    const { Vad } = loadSherpa();
    const vad = new Vad(
      { sileroVad: { model: path.join(vadDir, 'silero_vad.onnx'), threshold: 0.5, minSilenceDuration: 0.25, minSpeechDuration: 0.2, windowSize: 512 }, sampleRate: 16000, numThreads: 1 },
      30,
    );
    vad.acceptWaveform(clip);
    vad.flush();
    expect(vad.isEmpty()).toBe(false);
    const first = vad.front(false);
    expect(first.start / 16000).toBeGreaterThan(2);

    return expect(jarvis.maxScore(clip)).resolves.toBeGreaterThan(0.5);
  });
});
