import type { Config } from '../contract/config.ts';
import type { EngineParts, PartName } from './stages.ts';

export interface PartContext {
  config: Config;
  modelsDir: string;
}

type Factory<K extends PartName> = (ctx: PartContext) => Promise<NonNullable<EngineParts[K]>>;

/**
 * Engines by stage and name. Adding an engine is one file plus one line here; the config picks
 * the name. A stage whose name has no factory (or whose factory fails) is reported as missing
 * with the reason, and the features that need it answer 503 naming it.
 */
export const PART_FACTORIES: { [K in PartName]: Record<string, Factory<K>> } = {
  vad: {},
  wake: {},
  stt: {},
  speaker: {},
  tts: {},
  llm: {},
};

/** Which engine name each stage uses under this config. */
export function chosenEngines(config: Config): Record<PartName, string> {
  return {
    vad: 'silero',
    wake: config.wake_word_engine,
    stt: config.stt_model,
    speaker: 'sherpa-embedding',
    tts: config.tts_provider,
    llm: config.llm.provider,
  };
}

export interface BuiltParts {
  parts: EngineParts;
  /** Stage → why it is not available. */
  missing: Partial<Record<PartName, string>>;
}

export async function buildParts(ctx: PartContext): Promise<BuiltParts> {
  const parts: EngineParts = {};
  const missing: Partial<Record<PartName, string>> = {};
  const chosen = chosenEngines(ctx.config);
  for (const stage of Object.keys(PART_FACTORIES) as PartName[]) {
    const name = chosen[stage];
    if (stage === 'llm' && name === 'none') {
      missing.llm = "llm.provider is 'none': only built-in commands and Home Assistant answer";
      continue;
    }
    const factory = (PART_FACTORIES[stage] as Record<string, Factory<typeof stage>>)[name];
    if (!factory) {
      missing[stage] = `no ${stage} engine named '${name}' is available in this build`;
      continue;
    }
    try {
      (parts as Record<PartName, unknown>)[stage] = await factory(ctx);
    } catch (err) {
      missing[stage] = `${stage} engine '${name}' failed to start: ${(err as Error).message}`;
    }
  }
  return { parts, missing };
}
