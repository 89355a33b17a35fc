import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import { SPEAKER_ENGINES } from '../stages/speaker/index.ts';
import { OnnxGe2e } from '../stages/speaker/onnx-ge2e.ts';
import { loadCatalog } from './catalog.ts';
import { resolveModel } from './resolve.ts';
import { cosine } from '../../speakers/identification/vectors.ts';
import { requireVerifiedModel } from './require.ts';
import { describeWithModels } from './testing/model-env.ts';
import { resample, speak, speechToolsMissing } from './testing/speech.ts';
import { loopTurnsDuring } from '../../testing/loop-turns.ts';

// No speaker-embedding model in sherpa-onnx's format can be fetched on this machine (see
// docs/models.md). This runs the smallest real substitute: Resemblyzer's pretrained GE2E encoder,
// converted by scripts/models-resemblyzer-to-onnx.py, on onnxruntime-node, through Kiwi's
// production adapter (engine/stages/speaker/onnx-ge2e.ts).
describeWithModels('speaker embeddings (real GE2E encoder, substitute for the catalog models)', (modelsDir) => {
  let embedder: OnnxGe2e;
  const sentences = [
    'The quick brown fox jumps over the lazy dog near the river bank.',
    'Please remind me to call my sister tomorrow morning at nine.',
    'I would like a cup of tea and some biscuits this afternoon.',
  ];
  const voices = ['en-us+m3', 'en-us+f3', 'en-us+m7'];
  const embeddings: Record<string, Float32Array[]> = {};

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    const dir = await requireVerifiedModel('speaker-substitute-resemblyzer-ge2e', { modelsDir });
    embedder = await OnnxGe2e.load(path.join(dir, 'ge2e.onnx'), 'speaker-substitute-resemblyzer-ge2e', { threads: 1 });
    for (const voice of voices) {
      embeddings[voice] = [];
      for (const text of sentences) embeddings[voice].push(await embedder.embed({ samples: speak(text, voice), sampleRate: 16000 }));
    }
  });
  afterAll(() => {
    embedder?.dispose();
  });

  it('returns unit-length 256-d embeddings', () => {
    const e = embeddings['en-us+m3']![0]!;
    expect(e).toHaveLength(256);
    expect(Math.hypot(...e)).toBeCloseTo(1, 5);
  });

  it('puts the same voice saying different things closer than different voices saying the same thing', () => {
    for (const voice of voices) {
      for (const other of voices.filter((v) => v !== voice)) {
        for (let i = 0; i < sentences.length; i += 1) {
          const sameVoice = cosine(embeddings[voice]![i]!, embeddings[voice]![(i + 1) % sentences.length]!);
          const sameText = cosine(embeddings[voice]![i]!, embeddings[other]![i]!);
          expect(sameVoice, `${voice} vs ${other}, sentence ${i}`).toBeGreaterThan(sameText + 0.05);
        }
      }
    }
  });

  it('identifies who is speaking by nearest enrolled voice', () => {
    // Enrol each voice with its first sentence, then identify the other sentences.
    for (const voice of voices) {
      for (const probe of embeddings[voice]!.slice(1)) {
        const best = voices.reduce((a, b) => (cosine(probe, embeddings[a]![0]!) >= cosine(probe, embeddings[b]![0]!) ? a : b));
        expect(best).toBe(voice);
      }
    }
  });

  it('is what the engine loads for speaker_model auto (the stand-in for the catalog default)', async () => {
    // The same two steps as engine/parts.ts: resolve the model, then the adapter for its engine.
    const model = await resolveModel('speaker', DEFAULT_CONFIG.voice.speaker_model, 'en', {
      modelsDir,
      catalog: await loadCatalog(),
      engines: Object.keys(SPEAKER_ENGINES),
    });
    expect(model).toMatchObject({ id: 'speaker-substitute-resemblyzer-ge2e', engine: 'onnx-ge2e' });
    const loaded = await SPEAKER_ENGINES[model.engine]!(model, { config: DEFAULT_CONFIG, modelsDir });
    try {
      expect(loaded).toMatchObject({ name: 'onnx-ge2e', model: 'speaker-substitute-resemblyzer-ge2e', dimension: 256 });
      const e = await loaded.embed({ samples: speak(sentences[1]!, 'en-us+m3'), sampleRate: 16000 });
      expect(cosine(e, embeddings['en-us+m3']![1]!)).toBeCloseTo(1, 5);
    } finally {
      loaded.dispose();
    }
  });

  it('embeds audio at any rate the same way (resampled to 16 kHz first)', async () => {
    const at16k = speak(sentences[0]!, 'en-us+f3');
    const at48k = resample(at16k, 16000, 48000);
    const a = await embedder.embed({ samples: at16k, sampleRate: 16000 });
    const b = await embedder.embed({ samples: at48k, sampleRate: 48000 });
    expect(cosine(a, b)).toBeGreaterThan(0.98);
  });

  it('refuses audio too short to describe a voice, an aborted request, and work after dispose', async () => {
    await expect(embedder.embed({ samples: new Float32Array(1000), sampleRate: 16000 })).rejects.toMatchObject({ code: 'audio_too_short', status: 400 });
    const aborted = AbortSignal.abort(new Error('cancelled by the test'));
    await expect(embedder.embed({ samples: speak('Hello there.', 'en-us'), sampleRate: 16000 }, aborted)).rejects.toThrow('cancelled by the test');
    const dir = await requireVerifiedModel('speaker-substitute-resemblyzer-ge2e', { modelsDir });
    const other = await OnnxGe2e.load(path.join(dir, 'ge2e.onnx'), 'speaker-substitute-resemblyzer-ge2e', { threads: 1 });
    other.dispose();
    await expect(other.embed({ samples: speak('Hello there.', 'en-us'), sampleRate: 16000 })).rejects.toMatchObject({ code: 'speaker_disposed', status: 503 });
  });

  it('embeds off the event loop: it keeps turning while a voice is embedded', async () => {
    // On the event loop, onnxruntime's run held it for each 1.6 s partial: the loop turned only
    // between partials (about 4 times for this sentence). In the worker it turns freely meanwhile.
    const samples = speak(sentences[0]!, 'en-us');
    expect(await loopTurnsDuring(() => embedder.embed({ samples, sampleRate: 16000 }))).toBeGreaterThan(10); // on the loop it would turn once or twice; how many more depends on the machine's speed
  });

  it('fails clearly on a file that is not the GE2E graph', async () => {
    const vad = await requireVerifiedModel('silero-vad', { modelsDir });
    await expect(OnnxGe2e.load(path.join(vad, 'silero_vad.onnx'), 'x', { threads: 1 })).rejects.toMatchObject({ code: 'model_invalid' });
    await expect(OnnxGe2e.load(path.join(vad, 'missing.onnx'), 'x', { threads: 1 })).rejects.toMatchObject({ code: 'model_invalid' });
  });
});
