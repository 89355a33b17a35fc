import { z } from 'zod';
import { LanguageCode } from './languages.ts';
import { ApiSettings, PolicySettings, SecuritySettings } from './config-access.ts';
import { HomeAssistantSettings, LlmSettings, LocalLlmPorts, MqttSettings, OpenClawTarget, TelegramSettings, WyomingSettings } from './config-integrations.ts';
import { AudioSettings, Greeting, OwnerHandsFree, VoiceSettings } from './config-voice.ts';

export { ApiToken, POLICY_ROLES, POLICY_SEVERITIES, SCOPES, Scope } from './config-access.ts';

/**
 * The configuration: one shape, from which the file schema (every key required after defaults),
 * the PATCH schema (every key optional, nested groups too) and the API view are derived.
 * Unknown keys are errors everywhere (strict objects). The groups' schemas live beside this file
 * by concept (config-voice, config-integrations, config-access); the defaults stay here.
 */

export const SoulId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a soul id is 1-64 lowercase letters, digits or dashes');

/** Whether Intl knows a time zone name (a zone unknown to this runtime would fail at every alarm). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch (err) {
    if (err instanceof RangeError) return false; // not a zone: the refinement's message says what is expected
    throw err;
  }
}

// The order of the keys is the order of the API view and the OpenAPI document.
const groups = {
  llm: LlmSettings,
  homeassistant: HomeAssistantSettings,
  souls: z.object({ default: SoulId, allow_nsfw: z.boolean() }).strict(),
  voice: VoiceSettings,
  /** Clock for timers, alarms and reminders: 'system' follows the machine's time zone. */
  clock: z
    .object({
      time_zone: z
        .string()
        .min(1)
        .max(64)
        .refine((tz) => tz === 'system' || isTimeZone(tz), "'system' or an IANA time zone such as Europe/Berlin")
        .describe("'system' or an IANA time zone (Europe/Berlin): alarms ring at wall-clock times of this zone"),
    })
    .strict(),
  security: SecuritySettings,
  policy: PolicySettings,
  telegram: TelegramSettings,
  audio: AudioSettings,
  mqtt: MqttSettings,
  wyoming: WyomingSettings,
  api: ApiSettings,
};

const flat = {
  language: LanguageCode,
  listening: z.boolean(),
  wake_word: z.string().trim().min(1).max(48),
  wake_word_engine: z.enum(['kws', 'openwakeword', 'text']),
  tts_provider: z.enum(['kokoro', 'piper', 'matcha', 'kitten', 'system']),
  tts_voice: z.string().max(64),
  tts_speed: z.number().min(0.5).max(2),
  tts_default_style: z.string().max(32),
  stt_model: z.string().min(1).max(128),
  stt_device: z.enum(['cpu', 'cuda', 'coreml']),
  stt_full_window: z.boolean().describe('Whisper: pad every utterance to 30 s (true: the old, slower way, ~540 ms a command for tiny.en; the default false encodes an English command on its own length, at least 5 s: ~160 ms, a few more words misheard; other languages stay padded; see the README performance section)'),
  auto_download_models: z.boolean().describe('download the models a stage needs on first use (verified by sha256)'),
};

export const ConfigSchema = z.object({ ...flat, ...groups }).strict();
export type Config = z.infer<typeof ConfigSchema>;

/** Keys whose values never leave the process through GET, events or PATCH answers. */
export const SECRET_PATHS = ['llm.api_key', 'homeassistant.token', 'api.auth.tokens', 'telegram.bot_token', 'mqtt.password'] as const;

/** The seed contract's `tts_qwen_backend`: every Kiwi TTS runs on this computer, so 'local' is its only value. */
export const TtsQwenBackend = z
  .literal('local', { message: "every Kiwi voice runs on this computer, so tts_qwen_backend can only be 'local'" })
  .describe('Kept for Kiwi Voice scripts: every Kiwi TTS runs locally');

/** PATCH body: any subset of keys, nested groups partial too; `api` is file-only. */
export const ConfigPatchSchema = z
  .object(flat)
  .partial()
  .extend({
    tts_qwen_backend: TtsQwenBackend.optional().describe("accepted for Kiwi Voice scripts ('local' only); changes nothing"),
    llm: groups.llm.partial().extend({ openclaw: OpenClawTarget.partial().strict().optional(), local_ports: LocalLlmPorts.partial().strict().optional() }).strict().optional(),
    homeassistant: groups.homeassistant.partial().strict().optional(),
    souls: groups.souls.partial().strict().optional(),
    voice: groups.voice
      .partial()
      .extend({ owner_hands_free: OwnerHandsFree.partial().strict().optional(), greeting: Greeting.partial().strict().optional() })
      .strict()
      .optional(),
    clock: groups.clock.partial().strict().optional(),
    security: groups.security.partial().strict().optional(),
    policy: groups.policy.partial().strict().optional(),
    telegram: groups.telegram.partial().strict().optional(),
    audio: groups.audio.partial().strict().optional(),
    mqtt: groups.mqtt.partial().strict().optional(),
    wyoming: groups.wyoming.partial().strict().optional(),
    api: z
      .unknown()
      .refine((v) => v === undefined, 'the api group (host, port, auth) can only be changed in the config file')
      .optional(),
  })
  .strict();
export type ConfigPatch = z.infer<typeof ConfigPatchSchema>;

/** GET /api/config: the seed's flat fields plus the nested groups, secrets removed. */
export const ConfigView = z
  .object({
    ...flat,
    tts_qwen_backend: TtsQwenBackend,
    llm: groups.llm.omit({ api_key: true }),
    homeassistant: groups.homeassistant.omit({ token: true }),
    souls: groups.souls,
    voice: groups.voice,
    clock: groups.clock,
    security: groups.security,
    policy: groups.policy,
    telegram: groups.telegram.omit({ bot_token: true }),
    audio: groups.audio,
    mqtt: groups.mqtt.omit({ password: true }),
    wyoming: groups.wyoming,
    api: groups.api.omit({ auth: true }).extend({ auth: z.object({ enabled: z.boolean() }) }),
    set_by_env: z
      .record(z.string(), z.string())
      .optional()
      .describe('keys a KIWI_* environment variable sets (key → variable): they win over the file, and PATCH cannot change them (409)'),
  });
export type ConfigView = z.infer<typeof ConfigView>;

/** The value of every key the config file leaves out (the file is merged over these). */
export const DEFAULT_CONFIG: Config = {
  language: 'en',
  listening: true,
  wake_word: 'kiwi',
  wake_word_engine: 'kws',
  tts_provider: 'kokoro',
  tts_voice: 'af_heart',
  tts_speed: 1,
  tts_default_style: 'neutral',
  stt_model: 'auto',
  stt_device: 'cpu',
  stt_full_window: false,
  auto_download_models: true,
  llm: { provider: 'none', base_url: '', model: '', api_key: '', timeout_s: 60, openclaw: { agent: 'main', session: 'kiwi', nsfw_agent: '', nsfw_session: '' }, local_ports: { ollama: 11434, lmstudio: 1234, llamacpp: 8080 } },
  homeassistant: { enabled: false, url: '', token: '', language: '' },
  souls: { default: 'default', allow_nsfw: false },
  voice: {
    vad_model: 'auto',
    vad_threshold: 0.5,
    min_speech_ms: 250,
    min_silence_ms: 500,
    max_silence_ms: 1200,
    max_utterance_s: 15,
    preroll_ms: 600,
    wake_threshold: 0.5,
    wake_model: 'auto',
    wake_cue: true,
    wake_confirm: 'transcript',
    follow_up_s: 8,
    speaker_model: 'auto',
    speaker_threshold: 0.75,
    auto_learn_guests: true,
    barge_in: true,
    barge_in_threshold: 0.8,
    speculative_ms: 40,
    speculate_on_voice: true,
    smart_endpoint: true,
    provisional_end: true,
    unfinished_silence_ms: 2000,
    owner_hands_free: { enabled: false, guest_cooldown_s: 120 },
    greeting: { enabled: false, text: '' },
  },
  clock: { time_zone: 'system' },
  security: { approval_timeout_s: 120, max_pending: 10, audit_max_entries: 10_000 },
  // Why these defaults: see main/security/policy.ts.
  policy: {
    owner_safe: 'allow',
    owner_warning: 'allow',
    owner_dangerous: 'allow',
    owner_critical: 'approve',
    friend_safe: 'allow',
    friend_warning: 'allow',
    friend_dangerous: 'approve',
    friend_critical: 'refuse',
    guest_safe: 'allow',
    guest_warning: 'approve',
    guest_dangerous: 'refuse',
    guest_critical: 'refuse',
    unknown_safe: 'allow',
    unknown_warning: 'refuse',
    unknown_dangerous: 'refuse',
    unknown_critical: 'refuse',
  },
  telegram: { enabled: false, bot_token: '', chat_id: '', owner_user_id: '', api_base_url: 'https://api.telegram.org' },
  audio: { input: 'auto', output: 'auto' },
  mqtt: { enabled: false, url: '', username: '', password: '', discovery_prefix: 'homeassistant', base_topic: 'kiwi' },
  wyoming: { enabled: false, host: '127.0.0.1', port: 10700, allowed_clients: [] },
  api: {
    host: '127.0.0.1',
    port: 7789,
    auth: { enabled: false, tokens: [] },
    allowed_hosts: [],
    max_audio_clients: 3,
    rate_limits: { enabled: true, auth_failures_per_minute: 10, commands_per_minute: 60, requests_per_minute: 1200 },
  },
};
