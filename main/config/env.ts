import type { Config } from '../contract/config.ts';
import { KiwiError } from '../platform/errors.ts';

type Kind = 'string' | 'number' | 'boolean';

/** `KIWI_*` variables that override the config file, with the key each one sets. */
export const ENV_OVERRIDES: ReadonlyArray<{ env: string; path: string; kind: Kind }> = [
  { env: 'KIWI_LANGUAGE', path: 'language', kind: 'string' },
  { env: 'KIWI_LISTENING', path: 'listening', kind: 'boolean' },
  { env: 'KIWI_WAKE_WORD', path: 'wake_word', kind: 'string' },
  { env: 'KIWI_WAKE_WORD_ENGINE', path: 'wake_word_engine', kind: 'string' },
  { env: 'KIWI_WAKE_CONFIRM', path: 'voice.wake_confirm', kind: 'string' },
  { env: 'KIWI_TTS_PROVIDER', path: 'tts_provider', kind: 'string' },
  { env: 'KIWI_TTS_VOICE', path: 'tts_voice', kind: 'string' },
  { env: 'KIWI_STT_MODEL', path: 'stt_model', kind: 'string' },
  { env: 'KIWI_LLM_PROVIDER', path: 'llm.provider', kind: 'string' },
  { env: 'KIWI_LLM_BASE_URL', path: 'llm.base_url', kind: 'string' },
  { env: 'KIWI_LLM_MODEL', path: 'llm.model', kind: 'string' },
  { env: 'KIWI_LLM_API_KEY', path: 'llm.api_key', kind: 'string' },
  { env: 'KIWI_HA_ENABLED', path: 'homeassistant.enabled', kind: 'boolean' },
  { env: 'KIWI_HA_URL', path: 'homeassistant.url', kind: 'string' },
  { env: 'KIWI_HA_TOKEN', path: 'homeassistant.token', kind: 'string' },
  { env: 'KIWI_TELEGRAM_BOT_TOKEN', path: 'telegram.bot_token', kind: 'string' },
  { env: 'KIWI_TELEGRAM_CHAT_ID', path: 'telegram.chat_id', kind: 'string' },
  { env: 'KIWI_TELEGRAM_OWNER_ID', path: 'telegram.owner_user_id', kind: 'string' },
  { env: 'KIWI_SOUL_DEFAULT', path: 'souls.default', kind: 'string' },
  { env: 'KIWI_ALLOW_NSFW', path: 'souls.allow_nsfw', kind: 'boolean' },
  { env: 'KIWI_AUTO_DOWNLOAD_MODELS', path: 'auto_download_models', kind: 'boolean' },
  { env: 'KIWI_AUDIO_INPUT', path: 'audio.input', kind: 'string' },
  { env: 'KIWI_AUDIO_OUTPUT', path: 'audio.output', kind: 'string' },
  { env: 'KIWI_MQTT_ENABLED', path: 'mqtt.enabled', kind: 'boolean' },
  { env: 'KIWI_MQTT_URL', path: 'mqtt.url', kind: 'string' },
  { env: 'KIWI_MQTT_USERNAME', path: 'mqtt.username', kind: 'string' },
  { env: 'KIWI_MQTT_PASSWORD', path: 'mqtt.password', kind: 'string' },
  { env: 'KIWI_WYOMING_ENABLED', path: 'wyoming.enabled', kind: 'boolean' },
  { env: 'KIWI_WYOMING_HOST', path: 'wyoming.host', kind: 'string' },
  { env: 'KIWI_WYOMING_PORT', path: 'wyoming.port', kind: 'number' },
  { env: 'KIWI_HOST', path: 'api.host', kind: 'string' },
  { env: 'KIWI_PORT', path: 'api.port', kind: 'number' },
  { env: 'KIWI_AUTH_ENABLED', path: 'api.auth.enabled', kind: 'boolean' },
];

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

function coerce(name: string, raw: string, kind: Kind): unknown {
  if (kind === 'string') return raw;
  if (kind === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new KiwiError('invalid_env', `${name}=${raw} is not a number`);
    return n;
  }
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new KiwiError('invalid_env', `${name}=${raw} is not a boolean (use true or false)`);
}

export interface EnvLayer {
  /** Nested partial config built from the environment. */
  values: Record<string, unknown>;
  /** Config key path → the variable that set it. */
  sources: Map<string, string>;
  /** Extra tokens from KIWI_API_TOKEN (admin scope). */
  tokens: Config['api']['auth']['tokens'];
}

export function readEnvLayer(env: NodeJS.ProcessEnv): EnvLayer {
  const values: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  for (const { env: name, path, kind } of ENV_OVERRIDES) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(values, path, coerce(name, raw, kind));
    sources.set(path, name);
  }
  const token = env.KIWI_API_TOKEN;
  const tokens = token ? [{ name: 'KIWI_API_TOKEN', token, scopes: ['admin' as const] }] : [];
  return { values, sources, tokens };
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}
