import os from 'node:os';
import path from 'node:path';
import { KiwiError } from '../../../platform/errors.ts';
import type { ResolvedModel } from '../../models/resolve.ts';

/**
 * Catalog entry `config` → sherpa-onnx OfflineTtsConfig, one builder per model family. Catalog
 * keys are snake_case with paths relative to the model folder; sherpa wants camelCase and
 * absolute paths. Unknown keys are errors, so a typo in the catalog fails loudly at load time
 * instead of silently producing a different voice.
 */

export type TtsFamily = 'kokoro' | 'vits' | 'matcha' | 'kitten';

export const FAMILY_OF_ENGINE: Record<string, TtsFamily> = {
  'sherpa-tts-kokoro': 'kokoro',
  'sherpa-tts-vits': 'vits',
  'sherpa-tts-matcha': 'matcha',
  'sherpa-tts-kitten': 'kitten',
};

type Kind = 'file' | 'files' | 'dir' | 'number' | 'string';

/** Catalog key → [sherpa key, kind], per family: what each sherpa model config accepts. */
const MODEL_KEYS: Record<TtsFamily, { required: string[]; keys: Record<string, [string, Kind]> }> = {
  vits: {
    required: ['model', 'tokens'],
    keys: {
      model: ['model', 'file'],
      tokens: ['tokens', 'file'],
      data_dir: ['dataDir', 'dir'],
      lexicon: ['lexicon', 'files'],
      length_scale: ['lengthScale', 'number'],
      noise_scale: ['noiseScale', 'number'],
      noise_scale_w: ['noiseScaleW', 'number'],
    },
  },
  kokoro: {
    required: ['model', 'voices', 'tokens'],
    keys: {
      model: ['model', 'file'],
      voices: ['voices', 'file'],
      tokens: ['tokens', 'file'],
      data_dir: ['dataDir', 'dir'],
      lexicon: ['lexicon', 'files'],
      length_scale: ['lengthScale', 'number'],
      lang: ['lang', 'string'],
    },
  },
  matcha: {
    required: ['acoustic_model', 'vocoder', 'tokens'],
    keys: {
      acoustic_model: ['acousticModel', 'file'],
      vocoder: ['vocoder', 'file'],
      tokens: ['tokens', 'file'],
      data_dir: ['dataDir', 'dir'],
      lexicon: ['lexicon', 'files'],
      length_scale: ['lengthScale', 'number'],
      noise_scale: ['noiseScale', 'number'],
    },
  },
  kitten: {
    required: ['model', 'voices', 'tokens'],
    keys: {
      model: ['model', 'file'],
      voices: ['voices', 'file'],
      tokens: ['tokens', 'file'],
      data_dir: ['dataDir', 'dir'],
      length_scale: ['lengthScale', 'number'],
    },
  },
};

/** Keys every family takes: text normalisation rules and engine options. */
const COMMON_KEYS: Record<string, [string, Kind]> = {
  rule_fsts: ['ruleFsts', 'files'],
  rule_fars: ['ruleFars', 'files'],
  silence_scale: ['silenceScale', 'number'],
  num_threads: ['numThreads', 'number'],
};

/**
 * Kokoro v1.0 speaks English and Chinese through its lexicons; the other languages go through
 * espeak-ng and need sherpa's kokoro `lang` (the catalog's Kokoro description says which).
 * Kiwi language → that option; languages absent here use the model's default (lexicons).
 */
export const KOKORO_LANG: Record<string, string> = { es: 'es', fr: 'fr', it: 'it', pt: 'pt-br', hi: 'hi' };

export interface SherpaTtsConfig {
  model: Record<string, unknown> & { numThreads: number; provider: 'cpu'; debug: boolean };
  maxNumSentences: number;
  ruleFsts?: string;
  ruleFars?: string;
  silenceScale?: number;
}

/** Every file the config points at (for a clear "missing file" error before sherpa sees it). */
export interface BuiltTtsConfig {
  family: TtsFamily;
  config: SherpaTtsConfig;
  files: string[];
  dirs: string[];
}

const badConfig = (model: ResolvedModel, why: string) =>
  new KiwiError('model_config_invalid', `TTS model '${model.id}' (${model.engine}): ${why}`, 500);

/**
 * Build the sherpa config for `model`. `language` matters only for multi-lingual Kokoro: it picks
 * `lang` (a catalog `lang` key wins, to pin one).
 */
export function buildSherpaTtsConfig(model: ResolvedModel, language: string, threads = defaultThreads()): BuiltTtsConfig {
  const family = FAMILY_OF_ENGINE[model.engine];
  if (!family) throw badConfig(model, 'not a sherpa TTS engine');
  const spec = MODEL_KEYS[family];
  const familyConfig: Record<string, unknown> = {};
  const top: Record<string, unknown> = {};
  const files: string[] = [];
  const dirs: string[] = [];
  for (const key of spec.required) {
    if (typeof model.config[key] !== 'string' || model.config[key] === '') throw badConfig(model, `catalog config needs '${key}'`);
  }
  let numThreads = threads;
  for (const [key, raw] of Object.entries(model.config)) {
    const entry = spec.keys[key] ?? COMMON_KEYS[key];
    if (!entry) throw badConfig(model, `unknown catalog config key '${key}'`);
    const [sherpaKey, kind] = entry;
    const value = convert(model, key, raw, kind, files, dirs);
    if (key === 'num_threads') numThreads = value as number;
    else if (key in COMMON_KEYS) top[sherpaKey] = value;
    else familyConfig[sherpaKey] = value;
  }
  if (family === 'kokoro' && familyConfig.lang === undefined) {
    const lang = model.languages.includes(language) ? KOKORO_LANG[language] : undefined;
    if (lang) familyConfig.lang = lang;
  }
  return {
    family,
    files,
    dirs,
    config: {
      model: { [family]: familyConfig, numThreads, provider: 'cpu', debug: false },
      // One sentence per model run: Kiwi splits text itself, this bounds sherpa's own batches.
      maxNumSentences: 1,
      ...top,
    },
  };
}

function convert(model: ResolvedModel, key: string, raw: string | number | boolean, kind: Kind, files: string[], dirs: string[]): unknown {
  if (kind === 'number') {
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) throw badConfig(model, `'${key}' must be a positive number`);
    return raw;
  }
  if (typeof raw !== 'string' || raw === '') throw badConfig(model, `'${key}' must be a non-empty string`);
  if (kind === 'string') return raw;
  const parts = raw.split(',').map((p) => p.trim());
  if (kind !== 'files' && parts.length > 1) throw badConfig(model, `'${key}' names one path, got a list`);
  const absolute = parts.map((p) => {
    if (!p || path.isAbsolute(p) || p.split(/[\\/]/).includes('..')) throw badConfig(model, `'${key}' must stay inside the model folder`);
    return path.join(model.dir, p);
  });
  (kind === 'dir' ? dirs : files).push(...absolute);
  return absolute.join(',');
}

/** Synthesis is bursty and latency-bound: use the cores there are, up to 4. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}
