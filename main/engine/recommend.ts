import type { Config } from '../contract/config.ts';
import type { Catalog, CatalogModel } from './models/catalog-schema.ts';
import { chooseModel, installedModels, type Candidate } from './models/resolve.ts';
import { wakeModelFor } from './parts.ts';
import { SPEAKER_ENGINES } from './stages/speaker/index.ts';
import { STT_ENGINES } from './stages/stt/index.ts';
import { TTS_PROVIDER_ENGINES } from './stages/tts/index.ts';
import { VAD_ENGINES } from './stages/vad/index.ts';
import type { PartName } from './stages.ts';

/** What one stage needs from the catalog under a config: the same choice buildParts makes. */
interface StageWant {
  stage: PartName;
  want: string;
  engines: readonly string[];
}

/** A stage and the model that serves it: installed already (`ready`), or the catalog's choice to download. */
export interface StageRecommendation {
  stage: PartName;
  /** The installed model (or stand-in) the stage runs on, when there is one. */
  ready: string | null;
  /** The catalog model to download when nothing installed serves the stage; null when the catalog has none for the language. */
  model: CatalogModel | null;
}

/** The stages a config builds from models (the system voice and the transcript wake word need none). */
export function stageWants(config: Config): StageWant[] {
  const wants: StageWant[] = [{ stage: 'vad', want: config.voice.vad_model, engines: Object.keys(VAD_ENGINES) }];
  if (config.wake_word_engine !== 'text') {
    wants.push({ stage: 'wake', want: wakeModelFor(config), engines: [config.wake_word_engine === 'kws' ? 'sherpa-kws' : 'openwakeword'] });
  }
  wants.push({ stage: 'stt', want: config.stt_model, engines: Object.keys(STT_ENGINES) });
  wants.push({ stage: 'speaker', want: config.voice.speaker_model, engines: Object.keys(SPEAKER_ENGINES) });
  if (config.tts_provider !== 'system') wants.push({ stage: 'tts', want: 'auto', engines: [TTS_PROVIDER_ENGINES[config.tts_provider]] });
  return wants;
}

/**
 * The recommended model set for `config` (its language): per stage, the installed model it would
 * run on, or else the catalog model `auto` would pick once downloaded. Reads install manifests
 * only (no hashing): cheap enough for every dashboard load.
 */
export async function recommendModels(config: Config, opts: { catalog: Catalog; modelsDir: string }): Promise<StageRecommendation[]> {
  return recommendFrom(config, opts.catalog, await installedModels(opts.modelsDir, opts.catalog));
}

/** recommendModels over a list of installed models already read (config checks, engine rebuilds). */
export function recommendFrom(config: Config, catalog: Catalog, installed: readonly Candidate[]): StageRecommendation[] {
  return stageWants(config).map(({ stage, want, engines }) => {
    const task = stage;
    const fits = <T extends { task: string; engine: string }>(m: T) => m.task === task && engines.includes(m.engine);
    const ready = chooseModel(installed.filter(fits), want, config.language);
    if (ready) return { stage, ready: ready.id, model: null };
    return { stage, ready: null, model: chooseModel(catalog.models.filter(fits), want, config.language) ?? null };
  });
}
