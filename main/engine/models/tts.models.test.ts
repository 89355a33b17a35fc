import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import { appRoot } from '../../platform/paths.ts';
import { resampleTo } from '../audio/wav.ts';
import { sherpa } from '../sherpa/sherpa-module.ts';
import { readOnnxMetadata } from '../stages/tts/onnx-metadata.ts';
import { SherpaTts } from '../stages/tts/sherpa-tts.ts';
import { STT_ENGINES } from '../stages/stt/index.ts';
import { createSystemVoice, TTS_ENGINES } from '../stages/tts/index.ts';
import type { Pcm, Stt, Tts, TtsOptions } from '../stages.ts';
import { loadCatalog } from './catalog.ts';
import { requireVerifiedModel } from './require.ts';
import { resolveModel } from './resolve.ts';
import { describeWithModels } from './testing/model-env.ts';
import { OpenWakeWordRunner } from './testing/openwakeword-runner.ts';
import { concat, rms, silence } from './testing/speech.ts';
import { hearRoundTrip, missingWords, ROUND_TRIP_TEXT } from './testing/piper-round-trip.ts';

const seconds = (a: Pcm) => a.samples.length / a.sampleRate;
const words = (text: string) => text.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').split(/\s+/).filter(Boolean);
const en: TtsOptions = { voice: DEFAULT_CONFIG.tts_voice, speed: 1, language: 'en' };

describeWithModels('Piper voice through Kiwi\'s sherpa TTS adapter (real model)', (modelsDir) => {
  let tts: Tts;
  let whisper: Stt;
  const hear = async (audio: Pcm) => (await whisper.transcribe(resampleTo(audio, 16000), { language: 'en' })).text;
  let jarvis: OpenWakeWordRunner;
  let vadDir: string;

  beforeAll(async () => {
    const catalog = await loadCatalog();
    // Kiwi runs Piper on onnxruntime-node (piper-tts.models.test); these are the same files through sherpa's VITS engine.
    const piper = await resolveModel('tts', 'tts-piper-en-us-joe-medium', 'en', { modelsDir, catalog, engines: ['onnx-piper'] });
    const started = performance.now();
    tts = await TTS_ENGINES['sherpa-tts-vits']!({ ...piper, engine: 'sherpa-tts-vits' }, { config: DEFAULT_CONFIG, modelsDir });
    console.log(`piper voice loaded (createAsync) in ${Math.round(performance.now() - started)} ms`);
    // Whisper tiny.en through Kiwi's own STT stage (the onnx-whisper adapter), as the engine runs it.
    const stt = await resolveModel('stt', 'stt-substitute-whisper-tiny-en', 'en', { modelsDir, catalog, engines: ['onnx-whisper'] });
    whisper = await STT_ENGINES[stt.engine]!(stt, { config: DEFAULT_CONFIG, modelsDir });
    vadDir = await requireVerifiedModel('silero-vad', { modelsDir });
    jarvis = await OpenWakeWordRunner.load(await requireVerifiedModel('openwakeword-hey-jarvis', { modelsDir }), 'hey_jarvis_v0.1.onnx');
  });
  afterAll(async () => {
    tts?.dispose();
    whisper?.dispose();
    await jarvis?.release();
  });

  it('is the sherpa vits adapter on the fixture; the converted model carries sherpa metadata', async () => {
    expect(tts).toBeInstanceOf(SherpaTts);
    expect(tts.name).toBe('sherpa-vits');
    expect((tts as SherpaTts).sampleRate).toBe(22050);
    const meta = await readOnnxMetadata(path.join(modelsDir, 'tts-piper-en-us-joe-medium', 'en_US-joe-medium.onnx'));
    expect(meta).toMatchObject({ model_type: 'vits', comment: 'piper', n_speakers: '1', sample_rate: '22050' });
  });

  it('speaks: duration grows with the text, at a plausible speaking rate', async () => {
    const texts = ['Hello.', 'The kitchen lights are on.', 'I set a timer for ten minutes, and I will tell you when it rings.'];
    const rates: string[] = [];
    let previous = 0;
    for (const text of texts) {
      const audio = await tts.synthesize(text, en);
      expect(audio.sampleRate).toBe(22050);
      expect(rms(audio.samples)).toBeGreaterThan(0.02);
      expect(seconds(audio)).toBeGreaterThan(previous);
      previous = seconds(audio);
      const perChar = seconds(audio) / text.length;
      rates.push(`${text.length} chars → ${seconds(audio).toFixed(2)} s (${perChar.toFixed(3)} s/char)`);
      // Conversational English is ~12-18 characters a second; allow for pauses and a slow voice.
      if (text.length > 20) expect(perChar).toBeGreaterThan(0.04);
      if (text.length > 20) expect(perChar).toBeLessThan(0.12);
    }
    console.log(`piper durations: ${rates.join('; ')}`);
  });

  it('round trip: Whisper hears the words Piper said', async () => {
    const heard = await hearRoundTrip(() => tts.synthesize(ROUND_TRIP_TEXT, en), hear);
    console.log(`piper said "${ROUND_TRIP_TEXT}"; whisper heard ${heard.map((h) => `"${h}"`).join(', then ')}`);
    expect(missingWords(heard.at(-1)!)).toEqual([]);
  });

  it('follows speed and ignores a voice of another engine (Kokoro af_heart → speaker 0)', async () => {
    const text = 'The weather today is sunny with a light breeze.';
    const normal = await tts.synthesize(text, en);
    const fast = await tts.synthesize(text, { ...en, speed: 1.6 });
    expect(seconds(fast)).toBeLessThan(0.8 * seconds(normal));
    // Piper draws phoneme durations at random (noise_scale_w): same voice, lengths within a few percent.
    const byNumber = await tts.synthesize(text, { ...en, voice: '0' });
    expect(Math.abs(seconds(byNumber) / seconds(normal) - 1)).toBeLessThan(0.15);
  });

  it('synthesizes off the event loop (time to first audio and real-time factor are logged; `npm run bench` measures them)', async () => {
    const paragraph = [
      'Good morning!',
      'It is seven degrees outside and it will rain in the afternoon, so take an umbrella.',
      'Your first meeting starts at nine thirty.',
      'I also turned on the coffee machine in the kitchen.',
    ];
    const elu = performance.eventLoopUtilization();
    const t0 = performance.now();
    const first = await tts.synthesize(paragraph[0]!, en);
    const ttfa = performance.now() - t0;
    const t1 = performance.now();
    const all = await tts.synthesize(paragraph.join(' '), en);
    const took = (performance.now() - t1) / 1000;
    // The share of the time this thread ran code rather than waited: a synthesis run in it would make it ~1, whatever the load.
    const { utilization } = performance.eventLoopUtilization(elu);
    console.log(
      `piper on ${(await import('node:os')).availableParallelism()} cores: time to first audio ${Math.round(ttfa)} ms ` +
        `(first sentence, ${seconds(first).toFixed(2)} s of audio); ${seconds(all).toFixed(2)} s of audio in ${took.toFixed(2)} s, ` +
        `real-time factor ${(took / seconds(all)).toFixed(3)}; event loop busy ${(utilization * 100).toFixed(1)}%`,
    );
    expect(seconds(all)).toBeGreaterThan(seconds(first) * 4); // the whole paragraph was spoken
    expect(utilization).toBeLessThan(0.5);
  });

  it('an abort stops a long synthesis early; the voice keeps working afterwards', async () => {
    const sentence = (i: number) => `This is sentence number ${i + 1} of a long answer that nobody wants to hear to the end.`;
    const long = Array.from({ length: 20 }, (_, i) => sentence(i)).join(' ');
    const one = await tts.synthesize(sentence(0), en);
    // Count the native synthesis calls: sentences the abort stopped must never reach sherpa.
    const OfflineTts = sherpa<{ OfflineTts: { prototype: { generateAsync: (...args: unknown[]) => unknown } } }>().OfflineTts;
    const native = vi.spyOn(OfflineTts.prototype, 'generateAsync');
    try {
      const controller = new AbortController();
      const pending = tts.synthesize(long, { ...en, signal: controller.signal });
      for (let waited = 0; native.mock.calls.length < 2 && waited < 60_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      controller.abort(new Error('barge-in'));
      await expect(pending).rejects.toThrow('barge-in');
      const after = await tts.synthesize(sentence(0), en);
      expect(Math.abs(seconds(after) / seconds(one) - 1)).toBeLessThan(0.15);
      // Two sentences had started when the abort came (the second one finishes natively); the other 18 never started.
      expect(native.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      native.mockRestore();
    }
  });

  it('speaks nothing for empty text, at the voice\'s own rate', async () => {
    const audio = await tts.synthesize('  ', en);
    expect({ samples: audio.samples.length, sampleRate: audio.sampleRate }).toEqual({ samples: 0, sampleRate: 22050 });
  });

  it('unloading the voice in the middle of a sentence lets that sentence finish; garbage collection meanwhile does not crash', async () => {
    // sherpa frees the native voice when its handle is collected, even with a sentence still running
    // on its thread: that crashed a test worker once Kiwi stopped mid-reply on a loaded machine.
    const script = path.join(appRoot, 'main', 'engine', 'models', 'testing', 'tts-dispose-mid-sentence.ts');
    const child = await runNode(['--expose-gc', '--import', 'tsx', script, modelsDir]);
    expect({ code: child.code, signal: child.signal, stderr: child.stderr.slice(-2000) }).toEqual({ code: 0, signal: null, stderr: '' });
    const samples = Number(/^SURVIVED (\d+)$/m.exec(child.stdout)?.[1]);
    expect(samples / 22050).toBeGreaterThan(3); // the whole sentence, not a stub
  });

  it('is heard as speech by the VAD and as "hey jarvis" by openWakeWord', async () => {
    const voice = resampleTo(await tts.synthesize('Hey Jarvis!', en), 16000);
    const clip = concat(silence(2.5), voice.samples, silence(0.5));
    const { Vad } = sherpa<{ Vad: new (config: unknown, seconds: number) => { acceptWaveform(s: Float32Array): void; flush(): void; isEmpty(): boolean; front(): { start: number } } }>();
    const vad = new Vad(
      { sileroVad: { model: path.join(vadDir, 'silero_vad.onnx'), threshold: 0.5, minSilenceDuration: 0.25, minSpeechDuration: 0.2, windowSize: 512 }, sampleRate: 16000, numThreads: 1 },
      30,
    );
    vad.acceptWaveform(clip);
    vad.flush();
    expect(vad.isEmpty()).toBe(false);
    expect(vad.front().start / 16000).toBeGreaterThan(2);
    await expect(jarvis.maxScore(clip)).resolves.toBeGreaterThan(0.5);
  });

  it('the system voice (espeak-ng) is understood by Whisper too', async () => {
    const system = await createSystemVoice({ config: DEFAULT_CONFIG, modelsDir });
    const heard = await hear(await system.synthesize('Turn on the lights in the kitchen.', en));
    console.log(`espeak-ng said "Turn on the lights in the kitchen."; whisper heard "${heard}"`);
    const got = new Set(words(heard));
    expect(got).toContain('lights');
    expect(got).toContain('kitchen');
  });
});

/** Run a Node child to its end (no shell), with what it printed and how it ended. */
function runNode(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: appRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
