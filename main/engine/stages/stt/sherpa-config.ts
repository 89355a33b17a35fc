import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../../contract/config.ts';
import { KiwiError } from '../../../platform/errors.ts';
import type { ResolvedModel } from '../../models/resolve.ts';
import { SAMPLE_RATE } from '../../../contract/audio.ts';

/**
 * sherpa-onnx recognizer configs built from a catalog entry's `config` (snake_case keys, file
 * names relative to the model folder). The builders are pure: the adapters pass the result to
 * OfflineRecognizer.createAsync / new OnlineRecognizer, the tests inspect it.
 */

export type OfflineFamily = 'whisper' | 'sense_voice' | 'moonshine' | 'paraformer' | 'transducer' | 'nemo_transducer';
export type OnlineFamily = 'transducer' | 'paraformer' | 'zipformer2_ctc';

export type ModelEntry = Pick<ResolvedModel, 'id' | 'dir' | 'languages' | 'config'>;

export interface RecognizerOptions {
  language: string;
  device: Config['stt_device'];
}

/** SenseVoice knows these; anything else is left to its language detection. */
const SENSE_VOICE_LANGUAGES = new Set(['zh', 'en', 'ja', 'ko', 'yue']);

/** Which offline model family an entry is: `model_type` when given, else told by its files. */
export function offlineFamily(model: ModelEntry): OfflineFamily {
  const c = model.config;
  const type = typeof c.model_type === 'string' ? c.model_type : '';
  if (type === 'whisper' || type === 'sense_voice' || type === 'moonshine' || type === 'paraformer' || type === 'nemo_transducer') return type;
  if (type === 'transducer' || type === 'zipformer' || type === 'zipformer2') return 'transducer';
  if (type) throw invalid(model, `model_type '${type}' is not an offline family Kiwi runs`);
  if ('joiner' in c) return 'transducer';
  if ('preprocessor' in c || 'merged_decoder' in c || 'uncached_decoder' in c) return 'moonshine';
  throw invalid(model, 'set model_type (whisper, sense_voice, moonshine, paraformer, transducer or nemo_transducer)');
}

/** The OfflineRecognizer config for a catalog entry, with the language for models that take one. */
export function offlineRecognizerConfig(model: ModelEntry, options: RecognizerOptions) {
  const family = offlineFamily(model);
  const file = (key: string) => modelFile(model, key);
  let familyConfig: Record<string, unknown>;
  let modelType: string | undefined;
  switch (family) {
    case 'whisper':
      familyConfig = {
        whisper: {
          encoder: file('encoder'),
          decoder: file('decoder'),
          language: whisperLanguage(model, options.language),
          task: 'transcribe',
          // -1 lets sherpa choose the padding that keeps Whisper from dropping the last word.
          tailPaddings: numberOr(model.config.tail_paddings, -1),
        },
      };
      break;
    case 'sense_voice':
      familyConfig = {
        senseVoice: {
          model: file('model'),
          language: SENSE_VOICE_LANGUAGES.has(options.language) ? options.language : 'auto',
          useInverseTextNormalization: model.config.use_itn === false ? 0 : 1,
        },
      };
      break;
    case 'moonshine':
      // v1 exports four graphs; v2 merges the decoders into one.
      familyConfig =
        'merged_decoder' in model.config
          ? { moonshine: { encoder: file('encoder'), mergedDecoder: file('merged_decoder') } }
          : {
              moonshine: {
                preprocessor: file('preprocessor'),
                encoder: file('encoder'),
                uncachedDecoder: file('uncached_decoder'),
                cachedDecoder: file('cached_decoder'),
              },
            };
      break;
    case 'paraformer':
      familyConfig = { paraformer: { model: file('model') } };
      break;
    case 'transducer':
    case 'nemo_transducer':
      familyConfig = { transducer: { encoder: file('encoder'), decoder: file('decoder'), joiner: file('joiner') } };
      // NeMo's TDT/RNN-T graphs need their own decoding loop in sherpa.
      if (family === 'nemo_transducer') modelType = 'nemo_transducer';
      break;
  }
  return {
    featConfig: { sampleRate: SAMPLE_RATE, featureDim: numberOr(model.config.feature_dim, 80) },
    modelConfig: {
      ...familyConfig,
      tokens: file('tokens'),
      numThreads: configuredThreads(model.config),
      provider: options.device,
      debug: 0,
      ...(modelType ? { modelType } : {}),
    },
    decodingMethod: 'greedy_search',
  };
}

/** Which online (streaming) family an entry is. */
export function onlineFamily(model: ModelEntry): OnlineFamily {
  const c = model.config;
  const type = typeof c.model_type === 'string' ? c.model_type : '';
  if (type === 'paraformer' || type === 'zipformer2_ctc') return type;
  if (type === '' || type === 'transducer' || type === 'zipformer' || type === 'zipformer2' || type === 'conformer' || type === 'lstm') {
    if ('joiner' in c) return 'transducer';
    if (type === '' && 'model' in c) return 'zipformer2_ctc';
  }
  throw invalid(model, `cannot tell which streaming model it is (model_type '${type}')`);
}

/** The OnlineRecognizer config. Endpointing is off: Kiwi's VAD and endpointer end utterances. */
export function onlineRecognizerConfig(model: ModelEntry, options: Pick<RecognizerOptions, 'device'>) {
  const family = onlineFamily(model);
  const file = (key: string) => modelFile(model, key);
  const familyConfig =
    family === 'transducer'
      ? { transducer: { encoder: file('encoder'), decoder: file('decoder'), joiner: file('joiner') } }
      : family === 'paraformer'
        ? { paraformer: { encoder: file('encoder'), decoder: file('decoder') } }
        : { zipformer2Ctc: { model: file('model') } };
  return {
    featConfig: { sampleRate: SAMPLE_RATE, featureDim: numberOr(model.config.feature_dim, 80) },
    modelConfig: { ...familyConfig, tokens: file('tokens'), numThreads: configuredThreads(model.config), provider: options.device, debug: 0 },
    decodingMethod: 'greedy_search',
    maxActivePaths: 4,
    enableEndpoint: 0,
  };
}

/**
 * Whisper's language: the asked one when the model lists it; an English-only model ('en' its only
 * language) always 'en'; otherwise empty, which makes sherpa detect it.
 */
export function whisperLanguage(model: Pick<ModelEntry, 'languages'>, language: string): string {
  if (model.languages.length === 1 && model.languages[0] === 'en') return 'en';
  return model.languages.includes(language) ? language : '';
}

/** Whether the family's config carries a language, so a different one needs setConfig. */
export const takesLanguage = (family: OfflineFamily) => family === 'whisper' || family === 'sense_voice';

/** Every model file a built config names (paths inside `dir`), for checking before sherpa loads them. */
export function filesIn(config: unknown, dir: string): string[] {
  if (typeof config === 'string') return config.startsWith(dir + path.sep) ? [config] : [];
  if (config && typeof config === 'object') return Object.values(config).flatMap((value) => filesIn(value, dir));
  return [];
}

/**
 * Fails with a clear error when a file the config names is missing or empty. sherpa's own check
 * only prints to stderr, and its streaming recognizer aborts the whole process on a file it
 * cannot load; the resolver has verified every file's sha256, so present and non-empty is what
 * is left to make sure of.
 */
export async function assertModelFiles(model: Pick<ModelEntry, 'id' | 'dir'>, config: unknown): Promise<void> {
  for (const file of filesIn(config, model.dir)) {
    const stat = await fs.stat(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!stat?.isFile() || stat.size === 0) throw invalid(model, `${file} is missing or empty; reinstall it with: kiwi models download ${model.id}`);
  }
}

function modelFile(model: ModelEntry, key: string): string {
  const name = model.config[key];
  if (typeof name !== 'string' || !name) throw invalid(model, `config.${key} (a file name) is missing`);
  if (path.isAbsolute(name) || name.split(/[\\/]/).includes('..')) throw invalid(model, `config.${key} must name a file inside the model folder`);
  return path.join(model.dir, name);
}

/** `num_threads` from the entry's config (1..4), else 2: the other core stays with the VAD and the loop. */
export function configuredThreads(config: Record<string, unknown>): number {
  const n = config.num_threads;
  return typeof n === 'number' && Number.isInteger(n) ? Math.min(4, Math.max(1, n)) : 2;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function invalid(model: Pick<ModelEntry, 'id'>, why: string): KiwiError {
  return new KiwiError('model_config_invalid', `Speech-to-text model '${model.id}': ${why}`, 500);
}
