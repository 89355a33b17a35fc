import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../contract/config.ts';
import { loadCatalog } from './models/catalog.ts';
import { describeWithModels } from './models/testing/model-env.ts';
import { recommendModels } from './recommend.ts';

/** The recommended set is what `auto` would pick per language from the shipped catalog, as buildParts resolves it. */
describe('the recommended models for a language', () => {
  let empty: string;
  beforeAll(async () => {
    empty = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-recommend-'));
  });
  afterAll(async () => {
    await fs.rm(empty, { recursive: true, force: true });
  });

  const recommend = async (over: Partial<Config>, modelsDir = empty) => {
    const rows = await recommendModels({ ...DEFAULT_CONFIG, ...over }, { catalog: await loadCatalog(), modelsDir });
    return Object.fromEntries(rows.map((r) => [r.stage, r.ready ?? r.model?.id ?? null]));
  };

  it('English: Silero, the English keyword spotter, Parakeet v2, TitaNet and Kokoro', async () => {
    expect(await recommend({ language: 'en' })).toEqual({
      vad: 'silero-vad',
      wake: 'kws-zipformer-gigaspeech-en',
      stt: 'stt-parakeet-tdt-0.6b-v2-en',
      speaker: 'speaker-nemo-titanet-small',
      tts: 'tts-kokoro-multi-lang-v1_0',
    });
  });

  it('Russian with Piper: no keyword spotter covers it (the transcript finds the wake word), Parakeet v3, the Russian Piper voice', async () => {
    expect(await recommend({ language: 'ru', tts_provider: 'piper' })).toEqual({
      vad: 'silero-vad',
      wake: null,
      stt: 'stt-parakeet-tdt-0.6b-v3',
      speaker: 'speaker-nemo-titanet-small',
      tts: 'tts-piper-ru-ru-denis-medium',
    });
  });

  it('Japanese, the system voice and the transcript wake word: SenseVoice, and no model for the parts that need none', async () => {
    expect(await recommend({ language: 'ja', tts_provider: 'system', wake_word_engine: 'text' })).toEqual({
      vad: 'silero-vad',
      stt: 'stt-sensevoice-small',
      speaker: 'speaker-nemo-titanet-small',
    });
  });
});

describeWithModels('the recommended models with some installed', (modelsDir) => {
  it('an installed model (or a stand-in for one) serves its part: nothing to download there', async () => {
    const rows = await recommendModels({ ...DEFAULT_CONFIG, language: 'en' }, { catalog: await loadCatalog(), modelsDir });
    expect(rows.find((r) => r.stage === 'vad')).toEqual({ stage: 'vad', ready: 'silero-vad', model: null });
    expect(rows.find((r) => r.stage === 'speaker')).toEqual({ stage: 'speaker', ready: 'speaker-substitute-resemblyzer-ge2e', model: null });
  });
});
