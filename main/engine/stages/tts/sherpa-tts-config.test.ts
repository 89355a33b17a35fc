import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../models/catalog.ts';
import type { Catalog } from '../../models/catalog-schema.ts';
import type { ResolvedModel } from '../../models/resolve.ts';
import { buildSherpaTtsConfig, FAMILY_OF_ENGINE } from './sherpa-tts-config.ts';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

/**
 * A catalog entry as the resolver hands it to an adapter, installed under /models. Piper voices run
 * on Kiwi's `onnx-piper` engine; sherpa's VITS engine still loads the same files, as tested here.
 */
function resolved(id: string): ResolvedModel {
  const m = catalog.models.find((x) => x.id === id);
  if (!m) throw new Error(`${id} is not in the catalog`);
  const engine = m.engine === 'onnx-piper' ? 'sherpa-tts-vits' : m.engine;
  return { id: m.id, dir: `/models/${m.id}`, task: 'tts', engine, languages: m.languages, config: m.config };
}

describe('sherpa TTS config from the catalog', () => {
  it('builds a config for every TTS model in the catalog', () => {
    const tts = catalog.models.filter((m) => m.task === 'tts');
    expect(tts.length).toBeGreaterThan(3);
    for (const m of tts) {
      const model = resolved(m.id);
      const built = buildSherpaTtsConfig(model, m.languages[0]!, 2);
      expect(built.family).toBe(FAMILY_OF_ENGINE[model.engine]);
      expect(Object.keys(built.config.model)).toContain(built.family);
      for (const file of built.files) expect(file.startsWith(`/models/${m.id}/`)).toBe(true);
    }
  });

  it('Piper (vits): model, tokens and espeak data as absolute paths', () => {
    const built = buildSherpaTtsConfig(resolved('tts-piper-en-us-joe-medium'), 'en', 2);
    expect(built.config).toEqual({
      model: {
        vits: {
          model: '/models/tts-piper-en-us-joe-medium/en_US-joe-medium.onnx',
          tokens: '/models/tts-piper-en-us-joe-medium/tokens.txt',
          dataDir: '/models/tts-piper-en-us-joe-medium/espeak-ng-data',
        },
        numThreads: 2,
        provider: 'cpu',
        debug: false,
      },
      maxNumSentences: 1,
    });
    expect(built.files).toHaveLength(2);
    expect(built.dirs).toEqual(['/models/tts-piper-en-us-joe-medium/espeak-ng-data']);
  });

  it('Kokoro: voices, both lexicons, and `lang` only for the espeak languages', () => {
    const model = resolved('tts-kokoro-multi-lang-v1_0');
    const en = buildSherpaTtsConfig(model, 'en', 2).config.model.kokoro as Record<string, string>;
    expect(en.voices).toBe('/models/tts-kokoro-multi-lang-v1_0/voices.bin');
    expect(en.lexicon).toBe('/models/tts-kokoro-multi-lang-v1_0/lexicon-us-en.txt,/models/tts-kokoro-multi-lang-v1_0/lexicon-zh.txt');
    expect(en.lang).toBeUndefined();
    expect((buildSherpaTtsConfig(model, 'zh', 2).config.model.kokoro as Record<string, string>).lang).toBeUndefined();
    expect((buildSherpaTtsConfig(model, 'es', 2).config.model.kokoro as Record<string, string>).lang).toBe('es');
    expect((buildSherpaTtsConfig(model, 'pt', 2).config.model.kokoro as Record<string, string>).lang).toBe('pt-br');
    // A language the model does not list gets no lang: the model's default voice, not a guess.
    expect((buildSherpaTtsConfig(model, 'de', 2).config.model.kokoro as Record<string, string>).lang).toBeUndefined();
    // A catalog-pinned lang wins.
    const pinned = { ...model, config: { ...model.config, lang: 'en-gb' } };
    expect((buildSherpaTtsConfig(pinned, 'fr', 2).config.model.kokoro as Record<string, string>).lang).toBe('en-gb');
  });

  it('Matcha: acoustic model and vocoder', () => {
    const built = buildSherpaTtsConfig(resolved('tts-matcha-icefall-en-us-ljspeech'), 'en', 1);
    expect(built.config.model.matcha).toEqual({
      acousticModel: '/models/tts-matcha-icefall-en-us-ljspeech/model-steps-3.onnx',
      vocoder: '/models/tts-matcha-icefall-en-us-ljspeech/vocos-22khz-univ.onnx',
      tokens: '/models/tts-matcha-icefall-en-us-ljspeech/tokens.txt',
      dataDir: '/models/tts-matcha-icefall-en-us-ljspeech/espeak-ng-data',
    });
    expect(built.config.model.numThreads).toBe(1);
  });

  it('Kitten: model, voices, tokens, espeak data', () => {
    const built = buildSherpaTtsConfig(resolved('tts-kitten-nano-en-v0_1-fp16'), 'en', 2);
    expect(built.config.model.kitten).toEqual({
      model: '/models/tts-kitten-nano-en-v0_1-fp16/model.fp16.onnx',
      voices: '/models/tts-kitten-nano-en-v0_1-fp16/voices.bin',
      tokens: '/models/tts-kitten-nano-en-v0_1-fp16/tokens.txt',
      dataDir: '/models/tts-kitten-nano-en-v0_1-fp16/espeak-ng-data',
    });
  });

  it('takes options and rule FSTs; num_threads overrides the default', () => {
    const model = resolved('tts-piper-en-us-joe-medium');
    const built = buildSherpaTtsConfig({ ...model, config: { ...model.config, length_scale: 1.2, rule_fsts: 'a.fst, b.fst', num_threads: 3 } }, 'en', 2);
    expect((built.config.model.vits as Record<string, unknown>).lengthScale).toBe(1.2);
    expect(built.config.ruleFsts).toBe('/models/tts-piper-en-us-joe-medium/a.fst,/models/tts-piper-en-us-joe-medium/b.fst');
    expect(built.config.model.numThreads).toBe(3);
  });

  it('refuses unknown keys, missing files, paths leaving the folder and other engines', () => {
    const model = resolved('tts-piper-en-us-joe-medium');
    expect(() => buildSherpaTtsConfig({ ...model, config: { ...model.config, voices: 'x.bin' } }, 'en')).toThrow(/unknown catalog config key 'voices'/);
    expect(() => buildSherpaTtsConfig({ ...model, config: { tokens: 'tokens.txt' } }, 'en')).toThrow(/needs 'model'/);
    expect(() => buildSherpaTtsConfig({ ...model, config: { ...model.config, tokens: '../x.txt' } }, 'en')).toThrow(/inside the model folder/);
    expect(() => buildSherpaTtsConfig({ ...model, config: { ...model.config, length_scale: -1 } }, 'en')).toThrow(/positive number/);
    expect(() => buildSherpaTtsConfig({ ...model, engine: 'sherpa-vad' }, 'en')).toThrow(/not a sherpa TTS engine/);
  });
});
