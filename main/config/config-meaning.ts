import type { Config } from '../contract/config.ts';
import { isLoopbackHost } from '../server/guards.ts';

/** What exists in this installation, for checks the schema alone cannot make. */
export interface KnownIds {
  /** Catalog models with the task each serves. */
  models: ReadonlyArray<{ id: string; task: string }>;
  /** Every soul, with whether it is 18+ (souls.default may name one only while souls.allow_nsfw is on). */
  souls: ReadonlyArray<{ id: string; nsfw: boolean }>;
  /**
   * Device ids of the system's sound stack (GET /api/audio/devices). Left out where they cannot be
   * known (no sound stack), and at startup: a USB microphone unplugged then is retried, not fatal.
   */
  audioDevices?: { stack: string | null; inputs: readonly string[]; outputs: readonly string[] };
  /**
   * Ids of the installed models. Left out at startup (a model named in the file but not installed
   * is reported by its stage, with how to install it): with it, a change that names a model not
   * installed while auto_download_models is off is refused, so the working model keeps running.
   */
  installedModels?: ReadonlySet<string>;
  /**
   * Per stage, the installed model a config would run on (`ready`), or else the catalog's model
   * to download. Left out at startup, like installedModels: with it, a `tts_provider` whose voice
   * for the language is not installed is refused while auto_download_models is off.
   */
  stageModels?: (config: Config) => ReadonlyArray<{ stage: string; ready: string | null; model: { id: string } | null }>;
}

export interface ConfigProblem {
  /** Dotted key path: `voice.min_silence_ms`. */
  path: string;
  message: string;
  /**
   * Kiwi can run on without this key (the built-in default soul for souls.default): at start it is
   * a fallback, reported, never a reason to refuse to start; a PATCH that sets it is still a 400.
   */
  fallback?: boolean;
  /** A problem of state, not of the value (a model not installed yet): PATCH answers 409 with this code. */
  conflict?: string;
}

/** Model keys and the catalog task their id must have. */
const MODEL_KEYS: ReadonlyArray<{ path: string; task: string; get: (c: Config) => string }> = [
  { path: 'stt_model', task: 'stt', get: (c) => c.stt_model },
  { path: 'voice.vad_model', task: 'vad', get: (c) => c.voice.vad_model },
  { path: 'voice.wake_model', task: 'wake', get: (c) => c.voice.wake_model },
  { path: 'voice.speaker_model', task: 'speaker', get: (c) => c.voice.speaker_model },
];

/** Model ids are catalog names: lowercase letters, digits, dots, dashes, underscores; never a path. */
const MODEL_ID = /^[a-z0-9][a-z0-9._-]{0,127}$/;
/**
 * Control characters (NUL, newlines, escapes), surrogates, private-use and unassigned code points,
 * and the invisible ones that change how text shows (bidi overrides, zero-width space, BOM); the
 * joiners some scripts need (U+200C, U+200D) stay allowed.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cs}\p{Co}\p{Cn}\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;

/**
 * Checks of meaning on a config that already has the right shape: values each fine alone but
 * wrong together (min > max silence), a wake word nobody can say, ids naming nothing (a model
 * not in the catalog, a soul that does not exist) and ids that are paths. `known` adds the
 * existence checks (left out where the catalog and souls are not loaded yet).
 */
export function configProblems(config: Config, known?: KnownIds): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { voice } = config;
  if (voice.min_silence_ms > voice.max_silence_ms) {
    problems.push({ path: 'voice.min_silence_ms', message: `${voice.min_silence_ms} is more than voice.max_silence_ms (${voice.max_silence_ms})` });
  }
  if (UNPRINTABLE.test(config.wake_word)) {
    problems.push({ path: 'wake_word', message: 'a wake word is printable text: no control characters (NUL, newlines, escapes) or invisible ones (bidi overrides, zero-width space)' });
  }
  const { wyoming } = config;
  if (wyoming.enabled && !isLoopbackHost(wyoming.host) && wyoming.allowed_clients.length === 0) {
    // Not fatal at start (Kiwi runs without Wyoming and /api/integrations says why); a PATCH that makes it is refused.
    problems.push({
      path: 'wyoming.allowed_clients',
      message: `Wyoming on ${wyoming.host} (beyond loopback) needs the addresses of your Home Assistant hosts: Wyoming has no credentials`,
      fallback: true,
    });
  }
  for (const { path, task, get } of MODEL_KEYS) {
    const id = get(config);
    if (id === 'auto') continue;
    if (!MODEL_ID.test(id) || id.includes('..')) {
      problems.push({ path, message: `'${id}' is not a model id ('auto' or a catalog id such as those from GET /api/models); paths are not accepted` });
    } else if (known && !known.models.some((m) => m.id === id && m.task === task)) {
      problems.push({ path, message: `no ${task} model '${id}' in the catalog ('auto' or one of: ${ids(known.models.filter((m) => m.task === task))})` });
    } else if (known?.installedModels && !config.auto_download_models && !known.installedModels.has(id)) {
      problems.push({
        path,
        message: `the ${task} model '${id}' is not installed, so Kiwi keeps running as it is; install it first (dashboard Models, POST /api/models/${id}/download or: kiwi models download ${id}), then choose it (or set auto_download_models: true to download it when chosen)`,
        fallback: true,
        conflict: 'model_not_installed',
      });
    }
  }
  const speaking = known?.stageModels && !config.auto_download_models && config.tts_provider !== 'system' ? known.stageModels(config).find((r) => r.stage === 'tts') : undefined;
  if (speaking && speaking.ready === null && speaking.model) {
    const id = speaking.model.id;
    problems.push({
      path: 'tts_provider',
      message: `the ${config.tts_provider} voice for '${config.language}' ('${id}') is not installed, so Kiwi keeps its current voice; install it first (dashboard Models, POST /api/models/${id}/download or: kiwi models download ${id}), then choose it (or set auto_download_models: true to download it when chosen)`,
      fallback: true,
      conflict: 'model_not_installed',
    });
  }
  const devices = known?.audioDevices;
  for (const [key, list] of [['input', devices?.inputs], ['output', devices?.outputs]] as const) {
    const value = config.audio[key];
    if (!devices || !list || ['auto', 'system', 'none'].includes(value) || list.includes(value)) continue;
    const choices = list.length ? `one of: ${list.slice(0, 8).join(', ')}${list.length > 8 ? ', …' : ''}` : 'this system lists none';
    const stack = devices.stack ? '' : ' (no sound server or sound card was found)';
    problems.push({ path: `audio.${key}`, message: `no ${key} device '${value}'${stack}: auto, system, none or a device from GET /api/audio/devices (${choices})` });
  }
  const soulProblem = known && defaultSoulProblem(config, known.souls);
  if (soulProblem) problems.push({ path: 'souls.default', message: soulProblem, fallback: true });
  return problems;
}

/** souls.default must name a soul, and an 18+ one only while souls.allow_nsfw is on (else it would silently not be the default). */
function defaultSoulProblem(config: Config, souls: KnownIds['souls']): string | null {
  const { default: id, allow_nsfw: allowNsfw } = config.souls;
  const soul = souls.find((s) => s.id === id);
  if (!soul) return `no soul '${id}' (one of: ${souls.map((s) => s.id).join(', ')})`;
  if (soul.nsfw && !allowNsfw) return `'${id}' is an 18+ soul; set souls.allow_nsfw to true (in the same change) to make it the default`;
  return null;
}

function ids(models: ReadonlyArray<{ id: string }>): string {
  const list = models.slice(0, 8).map((m) => m.id);
  return models.length > 8 ? `${list.join(', ')}, …` : list.join(', ');
}

export const describeProblems = (problems: ConfigProblem[]) => problems.map((p) => `${p.path}: ${p.message}`).join('; ');
