import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../contract/config.ts';
import { cosine } from '../../../speakers/identification/vectors.ts';
import { requireVerifiedModel } from '../../models/require.ts';
import { GE2E, loadGe2eOnnx } from '../../models/testing/ge2e-embedders.ts';
import { describeWithModels } from '../../models/testing/model-env.ts';
import { resample, speak, speechToolsMissing } from '../../models/testing/speech.ts';
import type { SpeakerEmbedder } from '../../stages.ts';
import { SPEAKER_ENGINES } from './index.ts';
import { loopTurnsDuring } from '../../../testing/loop-turns.ts';

// The sherpa-speaker adapter (the one the catalog's 3D-Speaker, WeSpeaker and NeMo models use) on
// real weights: no speaker model in sherpa's format can be fetched here, so the fixture carries
// Resemblyzer's GE2E encoder converted to sherpa's layout too (ge2e-sherpa.onnx: sherpa's own fbank
// features in, mapped to the encoder's mel bands in the graph; scripts/models-resemblyzer-to-onnx.py).
// sherpa-onnx computes the features and runs the model; the same weights on Kiwi's onnx-ge2e stage
// (audio in) are the reference it must agree with. Five voices: five-voices.models.test.ts.
describeWithModels('sherpa-speaker adapter on real weights (Resemblyzer GE2E in sherpa-onnx layout)', (modelsDir) => {
  let sherpa: SpeakerEmbedder;
  let reference: SpeakerEmbedder;
  const sentences = [
    'What time is it?',
    'The quick brown fox jumps over the lazy dog near the river bank.',
    'Please remind me to call my sister tomorrow morning at nine.',
    'I would like a cup of tea and some biscuits this afternoon.',
  ];
  const voices = ['en-us+m3', 'en-us+f3', 'en-us+m7'];
  const clips: Record<string, Float32Array[]> = {};
  const prints: Record<string, Float32Array[]> = {};

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    const dir = await requireVerifiedModel(GE2E, { modelsDir });
    const model = { id: GE2E, dir, task: 'speaker' as const, engine: 'sherpa-speaker' as const, languages: ['multi'], config: { model: 'ge2e-sherpa.onnx' } };
    sherpa = await SPEAKER_ENGINES['sherpa-speaker']!(model, { config: DEFAULT_CONFIG, modelsDir });
    reference = await loadGe2eOnnx(dir);
    for (const voice of voices) {
      clips[voice] = sentences.map((text) => speak(text, voice));
      prints[voice] = [];
      for (const samples of clips[voice]) prints[voice].push(await sherpa.embed({ samples, sampleRate: 16000 }));
    }
  });
  afterAll(() => {
    sherpa?.dispose();
    reference?.dispose();
  });

  it('loads the model on sherpa-onnx and reports its dimension from the metadata', () => {
    expect(sherpa).toMatchObject({ name: 'sherpa-speaker', model: GE2E, dimension: 256 });
    expect(Math.hypot(...prints['en-us+m7']![0]!)).toBeCloseTo(1, 5);
  });

  it('gives the voice print the same weights give on audio (a one-second command and longer sentences)', async () => {
    for (const voice of voices) {
      for (const [i, samples] of clips[voice]!.entries()) {
        const direct = await reference.embed({ samples, sampleRate: 16000 });
        // Measured 0.97–0.99: sherpa's fbank (Povey window, pre-emphasis, 80 bands to 7.6 kHz) is
        // not librosa's mel, only mapped onto it.
        expect(cosine(prints[voice]![i]!, direct), `${voice}: "${sentences[i]}"`).toBeGreaterThan(0.95);
      }
    }
  });

  it('puts the same voice saying different things closer than different voices saying the same thing', () => {
    const long = sentences.length - 1; // the three sentences (a second of voice is too little to tell espeak's voices apart)
    for (const voice of voices) {
      for (const other of voices.filter((v) => v !== voice)) {
        for (let i = 1; i <= long; i += 1) {
          const sameVoice = cosine(prints[voice]![i]!, prints[voice]![(i % long) + 1]!);
          const sameText = cosine(prints[voice]![i]!, prints[other]![i]!);
          expect(sameVoice, `${voice} vs ${other}, sentence ${i}`).toBeGreaterThan(sameText + 0.05);
        }
      }
    }
  });

  it('embeds audio at other rates the same way (resampled to 16 kHz first)', async () => {
    const at16k = clips['en-us+f3']![1]!;
    const at48k = await sherpa.embed({ samples: resample(at16k, 16000, 48000), sampleRate: 48000 });
    expect(cosine(prints['en-us+f3']![1]!, at48k)).toBeGreaterThan(0.98);
  });

  it('embeds off the event loop: it keeps turning while sherpa computes', async () => {
    expect(await loopTurnsDuring(() => sherpa.embed({ samples: clips['en-us+m3']![1]!, sampleRate: 16000 }))).toBeGreaterThan(10); // on the loop it would turn once or twice; how many more depends on the machine's speed
  });
});
