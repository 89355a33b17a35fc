import type { Config } from '../contract/config.ts';
import { describeError, KiwiError } from '../platform/errors.ts';
import type { Catalog, ModelTask } from './models/catalog-schema.ts';
import { resolveModel } from './models/resolve.ts';
import type { StageContext, StageFactory } from './stages/factory.ts';
import { SPEAKER_ENGINES } from './stages/speaker/index.ts';
import { STT_ENGINES } from './stages/stt/index.ts';
import { createSystemVoice, TTS_ENGINES, TTS_PROVIDER_ENGINES } from './stages/tts/index.ts';
import { VAD_ENGINES } from './stages/vad/index.ts';
import { WAKE_ENGINES } from './stages/wake/index.ts';
import { PART_NAMES, type EngineParts, type PartName } from './stages.ts';

export interface PartContext extends StageContext {
  catalog: Catalog;
}

/**
 * The config keys each stage is built from, as data: changing one rebuilds that stage and no
 * other. `language` picks the model of every stage ('auto'). Keys not listed anywhere here are
 * read live (or by the voice loop, see LISTENING_KEYS) and never reload a model.
 */
export const STAGE_INPUTS: Readonly<Record<PartName, readonly string[]>> = {
  vad: ['language', 'voice.vad_model', 'voice.min_speech_ms', 'voice.max_utterance_s'],
  wake: ['language', 'wake_word_engine', 'wake_word', 'voice.wake_model', 'voice.wake_threshold', 'voice.wake_confirm'],
  stt: ['language', 'stt_model', 'stt_device', 'stt_full_window'],
  speaker: ['language', 'voice.speaker_model'],
  tts: ['language', 'tts_provider'],
};

/** Keys the voice loop reads when it opens an input's session: a change makes a new voice loop over the same models. */
export const LISTENING_KEYS: ReadonlySet<string> = new Set(['voice.barge_in', 'voice.barge_in_threshold', 'voice.vad_threshold', 'voice.max_utterance_s', 'wake_word_engine']);

/** The stages a config change touches (in build order). */
export function stagesTouchedBy(changed: readonly string[]): PartName[] {
  return PART_NAMES.filter((stage) => STAGE_INPUTS[stage].some((key) => changed.includes(key)));
}

/** A stage running on another engine than config asks for, because that one cannot run here. */
export interface Fallback {
  stage: PartName;
  configured: string;
  used: string;
  reason: string;
}

export interface BuiltParts {
  parts: EngineParts;
  /** Stage → why it is not available. */
  missing: Partial<Record<PartName, string>>;
  /** Stages that run on their usable alternative (the wake word by transcript, the system voice). */
  fallbacks?: Fallback[];
  /** What was chosen instead of what config asked for (e.g. the system voice for a missing TTS model). */
  notes: string[];
  /** Catalog models that would make a missing stage (or the system-voice fallback) work, to install on first use. */
  wanted: string[];
  /** The installed model each built stage runs (its folder is in use: never deleted under it). */
  modelIds?: Partial<Record<PartName, string>>;
}

/**
 * Builds the stages config asks for (`only`: just these; default all): config → model (resolved
 * and verified) → the adapter for that model's engine. A stage that cannot be built is reported
 * as missing with the reason; the features that need it answer 503 naming it. TTS falls back to
 * the system voice, so Kiwi can always speak. The LLM is not a part: it lives beside the engine.
 */
export async function buildParts(ctx: PartContext, only: readonly PartName[] = PART_NAMES): Promise<BuiltParts> {
  const { config } = ctx;
  const built: BuiltParts & { fallbacks: Fallback[]; modelIds: Partial<Record<PartName, string>> } = { parts: {}, missing: {}, fallbacks: [], notes: [], wanted: [], modelIds: {} };
  const want = (err: unknown) => {
    const install = err instanceof KiwiError ? (err.details as { install?: string } | undefined)?.install : undefined;
    if (install && !built.wanted.includes(install)) built.wanted.push(install);
  };
  const attempt = async <K extends PartName>(stage: K, make: () => Promise<EngineParts[K]>) => {
    if (!only.includes(stage)) return;
    try {
      built.parts[stage] = await make();
    } catch (err) {
      built.missing[stage] = describeError(err);
      want(err);
    }
  };
  const load = <T>(task: ModelTask, want: string, registry: Record<string, StageFactory<T>>, engines?: string[]) => async () => {
    const model = await resolveModel(task, want, config.language, {
      modelsDir: ctx.modelsDir,
      catalog: ctx.catalog,
      engines: engines ?? Object.keys(registry),
    });
    const factory = registry[model.engine];
    if (!factory) throw new Error(`no adapter for the ${model.engine} engine of model '${model.id}' in this build`);
    const part = await factory(model, ctx);
    built.modelIds[task as PartName] = model.id; // a model's task is the stage it runs in
    return part;
  };

  await attempt('vad', load('vad', config.voice.vad_model, VAD_ENGINES));
  if (config.wake_word_engine !== 'text') {
    const engine = config.wake_word_engine === 'kws' ? 'sherpa-kws' : 'openwakeword';
    await attempt('wake', load('wake', wakeModelFor(config), WAKE_ENGINES, [engine]));
    // No model for this language or wake word, or it is not installed: the transcript still finds the wake word.
    const reason = built.missing.wake;
    if (reason !== undefined) {
      delete built.missing.wake;
      built.fallbacks.push({ stage: 'wake', configured: config.wake_word_engine, used: 'text', reason });
      built.notes.push(`wake: ${config.wake_word_engine} is not usable (${reason}); listening for the wake word in the transcript`);
    }
  }
  await attempt('stt', load('stt', config.stt_model, STT_ENGINES));
  await attempt('speaker', load('speaker', config.voice.speaker_model, SPEAKER_ENGINES));
  await attempt('tts', async () => {
    if (config.tts_provider === 'system') return createSystemVoice(ctx);
    try {
      return await load('tts', 'auto', TTS_ENGINES, [TTS_PROVIDER_ENGINES[config.tts_provider]])();
    } catch (err) {
      want(err);
      built.fallbacks.push({ stage: 'tts', configured: config.tts_provider, used: 'system', reason: describeError(err) });
      built.notes.push(`tts: ${config.tts_provider} is not usable (${describeError(err)}); speaking with the system voice`);
      return createSystemVoice(ctx);
    }
  });
  for (const note of built.parts.tts?.notes ?? []) built.notes.push(`tts: ${note}`);
  // Logged at start: a headless server's user may never open the status.
  const voiceNote = built.parts.tts?.pickVoice?.(config.tts_voice, config.language)?.note;
  if (voiceNote) built.notes.push(`tts: ${voiceNote} (tts_voice)`);
  return built;
}

/** The model config names for `stage` by id (null: 'auto', the language picks it, or no model: the transcript wake word, tts). */
export function namedModel(stage: PartName, config: Config): string | null {
  const id =
    stage === 'stt' ? config.stt_model
    : stage === 'vad' ? config.voice.vad_model
    : stage === 'speaker' ? config.voice.speaker_model
    : stage === 'wake' && config.wake_word_engine !== 'text' ? config.voice.wake_model
    : 'auto';
  return id === 'auto' ? null : id;
}

/** openWakeWord models are trained per phrase: the model for the configured wake word. */
export function wakeModelFor(config: Config): string {
  if (config.voice.wake_model !== 'auto' || config.wake_word_engine !== 'openwakeword') return config.voice.wake_model;
  return `openwakeword-${config.wake_word.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-')}`;
}
