import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import { resampleTo } from '../audio/wav.ts';
import { readOnnxMetadata } from '../stages/tts/onnx-metadata.ts';
import type { SherpaTts } from '../stages/tts/sherpa-tts.ts';
import { STT_ENGINES } from '../stages/stt/index.ts';
import type { Pcm, Stt } from '../stages.ts';
import { loadCatalog } from './catalog.ts';
import { resolveModel } from './resolve.ts';
import { KOKORO_FIXTURE, KOKORO_VOICES, loadKokoro } from './testing/kokoro-voices.ts';
import { describeWithModels } from './testing/model-env.ts';
import { rms } from './testing/speech.ts';

const seconds = (a: Pcm) => a.samples.length / a.sampleRate;
const words = (text: string) => new Set(text.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').split(/\s+/).filter(Boolean));

// Kokoro-82M v1.0 (int8) from PyPI, laid out as a sherpa-onnx Kokoro model by
// scripts/models-kokoro-to-sherpa.py, through Kiwi's production TTS adapter (stages/tts/sherpa-tts.ts).
describeWithModels('Kokoro voices through Kiwi\'s sherpa TTS adapter (real Kokoro-82M)', (modelsDir) => {
  let tts: SherpaTts;
  let whisper: Stt;
  const hear = async (audio: Pcm) => (await whisper.transcribe(resampleTo(audio, 16000), { language: 'en' })).text;

  beforeAll(async () => {
    tts = await loadKokoro(modelsDir);
    const stt = await resolveModel('stt', 'stt-substitute-whisper-tiny-en', 'en', { modelsDir, catalog: await loadCatalog(), engines: ['onnx-whisper'] });
    whisper = await STT_ENGINES[stt.engine]!(stt, { config: DEFAULT_CONFIG, modelsDir });
  }, 120_000);
  afterAll(() => {
    tts?.dispose();
    whisper?.dispose();
  });

  it('loads as the sherpa kokoro adapter with five named voices at 24 kHz', async () => {
    expect(tts.name).toBe('sherpa-kokoro');
    expect(tts.sampleRate).toBe(24000);
    expect(tts.voiceNames).toEqual(KOKORO_VOICES);
    const meta = await readOnnxMetadata(path.join(modelsDir, KOKORO_FIXTURE, 'model.onnx'));
    expect(meta).toMatchObject({ model_type: 'kokoro', n_speakers: '5', sample_rate: '24000', style_dim: '510,1,256' });
  });

  it('says which voice tts_voice picks, and when it names none of them, which speaks instead (the audio agrees)', async () => {
    expect(tts.pickVoice('JM_Kumo', 'en')).toEqual({ voices: KOKORO_VOICES, speaking: 'jm_kumo', note: null });
    const pick = tts.pickVoice('af_heart', 'en')!;
    expect(pick.note).toBe(`voice 'af_heart' is not one of this model's 5 voices; using ${pick.speaking}`);
    const options = { speed: 1, language: 'en' };
    const asked = await tts.synthesize('Hello.', { ...options, voice: 'af_heart' });
    expect(asked.samples).toEqual((await tts.synthesize('Hello.', { ...options, voice: pick.speaking })).samples);
  }, 60_000);

  it('is not chosen for `auto`: the English default stays the catalog default it stands beside', async () => {
    const auto = await resolveModel('tts', 'auto', 'en', { modelsDir, catalog: await loadCatalog() });
    expect(auto.id).not.toBe(KOKORO_FIXTURE);
  });

  it('round trip: Whisper hears the words each of the five voices said', async () => {
    const text = 'Please turn off the kitchen lights.';
    const heardBy: string[] = [];
    for (const voice of KOKORO_VOICES) {
      const audio = await tts.synthesize(text, { voice, speed: 1, language: 'en' });
      expect(audio.sampleRate).toBe(24000);
      expect(rms(audio.samples)).toBeGreaterThan(0.02);
      // About 2 s of speech for 35 characters: a speaking voice, not noise or a truncated clip.
      expect(seconds(audio)).toBeGreaterThan(1.2);
      expect(seconds(audio)).toBeLessThan(4.5);
      const heard = await hear(audio);
      heardBy.push(`${voice}: "${heard}"`);
      const got = words(heard);
      for (const w of ['turn', 'kitchen', 'lights']) expect(got, `${voice} heard as "${heard}"`).toContain(w);
    }
    console.log(`kokoro said "${text}"; whisper heard ${heardBy.join('; ')}`);
  }, 300_000);

  it('the voices are different voices, and speed is followed', async () => {
    const text = 'Good morning.';
    const alpha = await tts.synthesize(text, { voice: 'jf_alpha', speed: 1, language: 'en' });
    const kumo = await tts.synthesize(text, { voice: 'jm_kumo', speed: 1, language: 'en' });
    const again = await tts.synthesize(text, { voice: 'jf_alpha', speed: 1, language: 'en' });
    // Kokoro is deterministic: the same voice and text give the same audio, another voice does not.
    expect(again.samples).toEqual(alpha.samples);
    expect(kumo.samples.length === alpha.samples.length && kumo.samples.every((v, i) => v === alpha.samples[i])).toBe(false);
    const fast = await tts.synthesize(text, { voice: 'jf_alpha', speed: 1.6, language: 'en' });
    expect(seconds(fast)).toBeLessThan(0.8 * seconds(alpha));
  }, 120_000);
});
