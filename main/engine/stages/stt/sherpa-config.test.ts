import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogPath } from '../../models/catalog.ts';
import {
  configuredThreads,
  type ModelEntry,
  offlineFamily,
  offlineRecognizerConfig,
  onlineFamily,
  onlineRecognizerConfig,
  whisperLanguage,
} from './sherpa-config.ts';
import { heardLanguage, tidyCase } from './sherpa-text.ts';

interface CatalogEntry extends ModelEntry {
  engine: string;
  task: string;
}
const catalog = JSON.parse(fs.readFileSync(catalogPath, 'utf8')) as { models: CatalogEntry[] };
const DIR = '/models/x';
/** A catalog entry as the resolver hands it over: the same config, placed in a model folder. */
const entry = (id: string): ModelEntry => {
  const m = catalog.models.find((model) => model.id === id);
  if (!m) throw new Error(`${id} is not in the catalog`);
  return { id: m.id, dir: DIR, languages: m.languages, config: m.config };
};
const at = (name: string) => path.join(DIR, name);
const opts = { language: 'de', device: 'cpu' as const };

describe('offline recognizer config (sherpa-offline-stt)', () => {
  it('knows the family of every offline stt entry in the catalog', () => {
    const offline = catalog.models.filter((m) => m.engine === 'sherpa-offline-stt');
    expect(offline.length).toBeGreaterThan(0);
    const families = offline.map((m) => offlineFamily(entry(m.id)));
    expect(new Set(families)).toEqual(new Set(['transducer', 'nemo_transducer', 'sense_voice', 'whisper']));
    for (const m of offline) expect(() => offlineRecognizerConfig(entry(m.id), opts), m.id).not.toThrow();
  });

  it('whisper: both graphs, tokens, the asked language, transcribe', () => {
    const config = offlineRecognizerConfig(entry('stt-whisper-small'), opts);
    expect(config).toEqual({
      featConfig: { sampleRate: 16000, featureDim: 80 },
      modelConfig: {
        whisper: { encoder: at('small-encoder.int8.onnx'), decoder: at('small-decoder.int8.onnx'), language: 'de', task: 'transcribe', tailPaddings: -1 },
        tokens: at('small-tokens.txt'),
        numThreads: 2,
        provider: 'cpu',
        debug: 0,
      },
      decodingMethod: 'greedy_search',
    });
    // A language the model does not list is detected by sherpa (empty), English-only models stay English.
    expect(whisperLanguage({ languages: ['en', 'de'] }, 'xx')).toBe('');
    expect(whisperLanguage({ languages: ['en'] }, 'de')).toBe('en');
  });

  it('sense_voice: one model file, its language or auto, inverse text normalization', () => {
    const zh = offlineRecognizerConfig(entry('stt-sensevoice-small'), { language: 'zh', device: 'cpu' });
    expect(zh.modelConfig).toMatchObject({ senseVoice: { model: at('model.int8.onnx'), language: 'zh', useInverseTextNormalization: 1 }, tokens: at('tokens.txt') });
    const de = offlineRecognizerConfig(entry('stt-sensevoice-small'), opts);
    expect(de.modelConfig).toMatchObject({ senseVoice: { language: 'auto' } });
    const noItn = { ...entry('stt-sensevoice-small'), config: { ...entry('stt-sensevoice-small').config, use_itn: false } };
    expect(offlineRecognizerConfig(noItn, opts).modelConfig).toMatchObject({ senseVoice: { useInverseTextNormalization: 0 } });
  });

  it('transducers: zipformer without a model type, parakeet as nemo_transducer', () => {
    const zipformer = offlineRecognizerConfig(entry('stt-zipformer-gigaspeech-en'), opts).modelConfig;
    expect(zipformer).toMatchObject({
      transducer: { encoder: at('encoder-epoch-30-avg-1.int8.onnx'), decoder: at('decoder-epoch-30-avg-1.onnx'), joiner: at('joiner-epoch-30-avg-1.int8.onnx') },
    });
    expect(zipformer).not.toHaveProperty('modelType');
    const parakeet = offlineRecognizerConfig(entry('stt-parakeet-tdt-0.6b-v3'), { language: 'ru', device: 'cuda' }).modelConfig;
    expect(parakeet).toMatchObject({
      transducer: { encoder: at('encoder.int8.onnx'), decoder: at('decoder.int8.onnx'), joiner: at('joiner.int8.onnx') },
      modelType: 'nemo_transducer',
      provider: 'cuda',
    });
  });

  it('moonshine (v1 four graphs, v2 merged decoder) and paraformer', () => {
    const v1: ModelEntry = {
      id: 'moonshine-tiny',
      dir: DIR,
      languages: ['en'],
      config: { model_type: 'moonshine', preprocessor: 'preprocess.onnx', encoder: 'encode.int8.onnx', uncached_decoder: 'uncached_decode.int8.onnx', cached_decoder: 'cached_decode.int8.onnx', tokens: 'tokens.txt' },
    };
    expect(offlineRecognizerConfig(v1, opts).modelConfig).toMatchObject({
      moonshine: { preprocessor: at('preprocess.onnx'), encoder: at('encode.int8.onnx'), uncachedDecoder: at('uncached_decode.int8.onnx'), cachedDecoder: at('cached_decode.int8.onnx') },
    });
    const v2: ModelEntry = { id: 'moonshine-v2', dir: DIR, languages: ['en'], config: { encoder: 'encoder_model.ort', merged_decoder: 'decoder_model_merged.ort', tokens: 'tokens.txt' } };
    expect(offlineFamily(v2)).toBe('moonshine');
    expect(offlineRecognizerConfig(v2, opts).modelConfig).toMatchObject({ moonshine: { encoder: at('encoder_model.ort'), mergedDecoder: at('decoder_model_merged.ort') } });
    const paraformer: ModelEntry = { id: 'paraformer-zh', dir: DIR, languages: ['zh'], config: { model_type: 'paraformer', model: 'model.int8.onnx', tokens: 'tokens.txt', num_threads: 1 } };
    expect(offlineRecognizerConfig(paraformer, opts).modelConfig).toMatchObject({ paraformer: { model: at('model.int8.onnx') }, numThreads: 1 });
  });

  it('refuses entries it cannot build, naming the model and the key', () => {
    const whisper = entry('stt-whisper-tiny');
    expect(() => offlineRecognizerConfig({ ...whisper, config: { ...whisper.config, decoder: undefined as unknown as string } }, opts)).toThrow(
      /stt-whisper-tiny.*config\.decoder/,
    );
    expect(() => offlineRecognizerConfig({ ...whisper, config: { ...whisper.config, encoder: '../../etc/passwd' } }, opts)).toThrow(/inside the model folder/);
    expect(() => offlineRecognizerConfig({ ...whisper, config: { ...whisper.config, encoder: '/abs/enc.onnx' } }, opts)).toThrow(/inside the model folder/);
    expect(() => offlineFamily({ ...whisper, config: { model_type: 'tdnn', model: 'm.onnx' } })).toThrow(/tdnn/);
    expect(() => offlineFamily({ ...whisper, config: { model: 'm.onnx' } })).toThrow(/model_type/);
  });
});

describe('online recognizer config (sherpa-online-stt)', () => {
  it('builds the streaming zipformer from the catalog, endpointing left to Kiwi', () => {
    const online = catalog.models.filter((m) => m.engine === 'sherpa-online-stt');
    expect(online.map((m) => m.id)).toContain('stt-zipformer-en-20m-streaming');
    expect(onlineRecognizerConfig(entry('stt-zipformer-en-20m-streaming'), { device: 'cpu' })).toEqual({
      featConfig: { sampleRate: 16000, featureDim: 80 },
      modelConfig: {
        transducer: { encoder: at('encoder-epoch-99-avg-1.int8.onnx'), decoder: at('decoder-epoch-99-avg-1.onnx'), joiner: at('joiner-epoch-99-avg-1.int8.onnx') },
        tokens: at('tokens.txt'),
        numThreads: 2,
        provider: 'cpu',
        debug: 0,
      },
      decodingMethod: 'greedy_search',
      maxActivePaths: 4,
      enableEndpoint: 0,
    });
  });

  it('streaming paraformer and zipformer2 CTC; refuses offline-only types', () => {
    const base = { id: 's', dir: DIR, languages: ['zh'] };
    expect(onlineRecognizerConfig({ ...base, config: { model_type: 'paraformer', encoder: 'e.onnx', decoder: 'd.onnx', tokens: 't.txt' } }, { device: 'cpu' }).modelConfig).toMatchObject({
      paraformer: { encoder: at('e.onnx'), decoder: at('d.onnx') },
    });
    expect(onlineFamily({ ...base, config: { model: 'ctc.onnx', tokens: 't.txt' } })).toBe('zipformer2_ctc');
    expect(() => onlineFamily({ ...base, config: { model_type: 'whisper', encoder: 'e', decoder: 'd' } })).toThrow(/streaming/);
  });
});

describe('small helpers', () => {
  it('threads are 1..4, default 2', () => {
    expect(configuredThreads({})).toBe(2);
    expect(configuredThreads({ num_threads: 1 })).toBe(1);
    expect(configuredThreads({ num_threads: 16 })).toBe(4);
    expect(configuredThreads({ num_threads: '3' })).toBe(2);
  });

  it('reads the language sherpa reports and lower-cases all-caps transducer text', () => {
    expect(heardLanguage('<|en|>')).toBe('en');
    expect(heardLanguage('zh')).toBe('zh');
    expect(heardLanguage('')).toBeUndefined();
    expect(tidyCase(' TURN ON THE LIGHTS ')).toBe('turn on the lights');
    expect(tidyCase('Turn on the NASA feed')).toBe('Turn on the NASA feed');
    expect(tidyCase('打开灯')).toBe('打开灯');
  });
});
