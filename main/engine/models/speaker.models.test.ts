import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireVerifiedModel } from './require.ts';
import { cosine, Ge2eEmbedder } from './testing/ge2e-embedder.ts';
import { describeWithModels } from './testing/model-env.ts';
import { speak, speechToolsMissing } from './testing/speech.ts';

// No speaker-embedding model in sherpa-onnx's format can be fetched on this machine (see
// docs/models.md). This runs the smallest real substitute: Resemblyzer's pretrained GE2E encoder,
// converted by scripts/models-resemblyzer-to-onnx.py, on onnxruntime-node.
describeWithModels('speaker embeddings (real GE2E encoder, substitute for the catalog models)', (modelsDir) => {
  let embedder: Ge2eEmbedder;
  const sentences = [
    'The quick brown fox jumps over the lazy dog near the river bank.',
    'Please remind me to call my sister tomorrow morning at nine.',
    'I would like a cup of tea and some biscuits this afternoon.',
  ];
  const voices = ['en-us+m3', 'en-us+f3', 'en-us+m7'];
  const embeddings: Record<string, Float32Array[]> = {};

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    embedder = await Ge2eEmbedder.load(await requireVerifiedModel('speaker-substitute-resemblyzer-ge2e', { modelsDir }));
    for (const voice of voices) {
      embeddings[voice] = [];
      for (const text of sentences) embeddings[voice].push(await embedder.embed(speak(text, voice)));
    }
  });
  afterAll(async () => {
    await embedder?.release();
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
});
