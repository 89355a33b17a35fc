import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../contract/config.ts';
import { STAGE_INPUTS } from '../engine/parts.ts';
import type { PartName } from '../engine/stages.ts';

/** Stage inputs that choose its model (or what it listens for), as opposed to tuning the model it runs. */
const CHOOSING = new Set(['language', 'wake_word_engine', 'wake_word', 'voice.vad_model', 'voice.wake_model', 'stt_model', 'voice.speaker_model', 'tts_provider']);

/** The settings that tune a stage's model (thresholds, device, window), whichever model it is. */
const tuning = (stage: PartName) => STAGE_INPUTS[stage].filter((key) => !CHOOSING.has(key));

const read = (config: Config, key: string): unknown =>
  key.split('.').reduce<unknown>((node, name) => (node as Record<string, unknown> | undefined)?.[name], config);

function write(config: Config, key: string, value: unknown): void {
  const names = key.split('.');
  const parent = names.slice(0, -1).reduce<Record<string, unknown>>((node, name) => node[name] as Record<string, unknown>, config as unknown as Record<string, unknown>);
  parent[names.at(-1)!] = value;
}

/**
 * A stage kept on its running model while the new one downloads is still tuned by the settings
 * the user changes: has any changed since it was built (`builtWith`)?
 */
export function tuningChanged(stage: PartName, builtWith: Config | undefined, current: Config): boolean {
  return builtWith !== undefined && tuning(stage).some((key) => !isDeepStrictEqual(read(builtWith, key), read(current, key)));
}

/** The config a kept stage is rebuilt from: what chose its model as it was when built (so the same model), its tuning as it is now. */
export function keptStageConfig(stage: PartName, builtWith: Config, current: Config): Config {
  const config = structuredClone(builtWith);
  for (const key of tuning(stage)) write(config, key, structuredClone(read(current, key)));
  return config;
}
