import { z } from 'zod';
import { LanguageCode } from './languages.ts';
import { AUDIO_DEVICE_ID } from './audio.ts';

/**
 * The configuration: one shape, from which the file schema (every key required after defaults),
 * the PATCH schema (every key optional, nested groups too) and the API view are derived.
 * Unknown keys are errors everywhere (strict objects).
 */
export const SCOPES = ['read', 'control', 'admin'] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

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

/** An MQTT topic prefix: no wildcards, no empty levels. */
const mqttTopic = z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'letters, digits, _ and - in levels separated by /').max(128);

/** audio.input / audio.output: a mode, or one device of the system's sound stack (`pulse:<name>`, `alsa:<pcm>`). */
const audioDevice = z.union([
  z.enum(['auto', 'system', 'none']),
  z.string().regex(AUDIO_DEVICE_ID, "auto, system, none, or a device id such as pulse:alsa_input.usb-mic (GET /api/audio/devices lists them)"),
]);

const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');

/** Voice security's policy: for each speaker role and command severity, allow, ask the owner (approve) or refuse. */
const PolicyDecision = z.enum(['allow', 'approve', 'refuse']);
export const POLICY_ROLES = ['owner', 'friend', 'guest', 'unknown'] as const;
export const POLICY_SEVERITIES = ['safe', 'warning', 'dangerous', 'critical'] as const;
const policyCell = (role: string, severity: string) =>
  PolicyDecision.describe(`${role === 'unknown' ? 'an unknown voice' : `a ${role}`} asking for something ${severity === 'safe' ? 'safe' : `rated ${severity}`}`);

export const ApiToken = z
  .object({
    name: z.string().min(1).max(64),
    token: z.string().min(16, 'a token needs at least 16 characters').max(256),
    scopes: z.array(Scope).min(1),
    speaker_id: z
      .string()
      .regex(/^spk_[a-z0-9_]{1,48}$/, 'a speaker id looks like spk_001')
      .optional()
      .describe("the speaker this token belongs to: without admin, it sees only that speaker's conversation history"),
  })
  .strict();

/** OpenClaw only: the agent and session Kiwi talks to; an nsfw soul's conversations go to their own (empty: the same). */
const OpenClawName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _');
const OpenClawTarget = z
  .object({
    agent: OpenClawName,
    session: OpenClawName.describe('session key prefix: agent:<agent>:<session>-<speaker>'),
    nsfw_agent: z.union([OpenClawName, z.literal('')]),
    nsfw_session: z.union([OpenClawName, z.literal('')]),
  })
  .strict();

/** The enrolled owner talks without the wake word while no other voice has spoken for `guest_cooldown_s`. */
const OwnerHandsFree = z
  .object({
    enabled: z.boolean().describe('the owner may speak without the wake word while no one else has spoken recently'),
    guest_cooldown_s: z.number().min(0).max(3600).describe('how long after another voice (unknown or another speaker) the wake word is needed again'),
  })
  .strict();

/** Said once when Kiwi has started with a voice. */
const Greeting = z
  .object({
    enabled: z.boolean(),
    text: z.string().max(300).describe("what to say; empty: the language's own greeting"),
  })
  .strict();

/** Where the dashboard looks for LLM servers on this computer (127.0.0.1 only): each one's usual port. */
const LocalLlmPorts = z
  .object({
    ollama: z.number().int().min(1).max(65535),
    lmstudio: z.number().int().min(1).max(65535),
    llamacpp: z.number().int().min(1).max(65535),
  })
  .strict()
  .describe('ports on 127.0.0.1 where GET /api/llm/local looks for Ollama, LM Studio and llama.cpp');

const groups = {
  llm: z
    .object({
      provider: z.enum(['none', 'openai', 'anthropic', 'openclaw']),
      base_url: z.union([httpUrl, z.literal('')]),
      model: z.string().max(128),
      api_key: z.string().max(512),
      timeout_s: z.number().min(1).max(600),
      openclaw: OpenClawTarget,
      local_ports: LocalLlmPorts,
    })
    .strict(),
  homeassistant: z
    .object({
      enabled: z.boolean(),
      url: z.union([httpUrl, z.literal('')]),
      token: z.string().max(1024),
      language: z.union([LanguageCode, z.literal('')]),
    })
    .strict(),
  souls: z.object({ default: SoulId, allow_nsfw: z.boolean() }).strict(),
  /** Listening and speaking thresholds; the defaults were calibrated on the bench's test speech. */
  voice: z
    .object({
      vad_model: z.string().min(1).max(128).describe("'auto' or a vad model id"),
      vad_threshold: z.number().min(0.05).max(0.95).describe('Silero speech probability that counts as speech'),
      min_speech_ms: z.number().int().min(50).max(2000),
      min_silence_ms: z.number().int().min(100).max(3000).describe('end-of-speech silence before adaptation'),
      max_silence_ms: z.number().int().min(100).max(5000).describe('upper bound for adaptive end-of-speech silence'),
      max_utterance_s: z.number().min(1).max(60),
      preroll_ms: z.number().int().min(0).max(2000).describe('audio kept before speech starts, so the start of the wake word is never cut'),
      wake_threshold: z.number().min(0.05).max(0.99),
      wake_model: z.string().min(1).max(128).describe("'auto' or a wake model id (openWakeWord: the model for wake_word)"),
      wake_cue: z.boolean().describe('play a short tone after the wake word'),
      wake_confirm: z
        .enum(['transcript', 'off'])
        .describe("wake_word_engine kws: 'transcript' (two-stage) — the spotter proposes, the utterance's own transcript must start with the wake word or a sound-alike; 'off' — the spotter alone decides"),
      follow_up_s: z.number().min(0).max(60).describe('after a reply, the next utterance needs no wake word for this long'),
      speaker_model: z.string().min(1).max(128).describe("'auto' or a speaker-embedding model id"),
      speaker_threshold: z.number().min(0).max(1).describe('cosine similarity above which a voice matches a profile'),
      auto_learn_guests: z.boolean(),
      barge_in: z.boolean(),
      barge_in_threshold: z.number().min(0.05).max(0.99).describe('VAD threshold while Kiwi speaks (echo-aware: higher)'),
      speculative_ms: z.number().int().min(0).max(1000).describe('silence after which the utterance is transcribed ahead of the endpoint (0: off; default 40, was 150: the early transcript is often the final one, so when it starts counts in full)'),
      speculate_on_voice: z
        .boolean()
        .describe("start the early transcript when the voice itself has been quiet speculative_ms, while the VAD still hangs on (default true: ~100 ms sooner; the audio is cut where the VAD would not, and Whisper tiny.en hears a few commands differently there; false waits for the VAD's silence)"),
      smart_endpoint: z.boolean().describe('a complete command ends at its early transcript; an unfinished phrase waits longer'),
      provisional_end: z
        .boolean()
        .describe("a complete command for Kiwi ends as soon as its early transcript is back, before the VAD closes the stretch: one that only says something (the time, the date…) answers at once; any other (a timer, Home Assistant, the LLM) is carried out only once the endpoint confirms its words. Words that follow before the endpoint would have fallen join it, and the first turn is cancelled (default true: the built-in reply ~150 ms sooner, every command's transcript final at its early transcript; false waits for the endpoint)"),
      unfinished_silence_ms: z.number().int().min(100).max(5000).describe('silence an unfinished phrase ("set a timer for…") gets before the turn ends'),
      owner_hands_free: OwnerHandsFree,
      greeting: Greeting,
    })
    .strict(),
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
  /** Voice security (main/security): approvals and the audit log. */
  security: z
    .object({
      approval_timeout_s: z.number().int().min(10).max(3600).describe('how long a request held for the owner waits before it expires'),
      max_pending: z.number().int().min(1).max(50).describe('how many approvals may wait at once; further requests are refused'),
      audit_max_entries: z.number().int().min(100).max(1_000_000).describe('the audit log keeps this many newest entries'),
    })
    .strict(),
  /** role_severity → allow | approve | refuse (blocked voices are always refused). Typed API turns count as the owner. */
  policy: z
    .object(
      Object.fromEntries(POLICY_ROLES.flatMap((role) => POLICY_SEVERITIES.map((severity) => [`${role}_${severity}`, policyCell(role, severity)]))) as Record<
        `${(typeof POLICY_ROLES)[number]}_${(typeof POLICY_SEVERITIES)[number]}`,
        typeof PolicyDecision
      >,
    )
    .strict(),
  /** Approvals through a Telegram bot: only the owner's Telegram account, in the configured chat, can answer. */
  telegram: z
    .object({
      enabled: z.boolean(),
      bot_token: z.string().max(256),
      chat_id: z.union([z.string().regex(/^-?[0-9]{1,20}$/, 'a Telegram chat id is a number'), z.literal('')]).describe('the chat approval requests are sent to'),
      owner_user_id: z.union([z.string().regex(/^[0-9]{1,20}$/, 'a Telegram user id is a number'), z.literal('')]).describe("the owner's Telegram user id: only their button presses count"),
      api_base_url: httpUrl.describe('Telegram Bot API server (https://api.telegram.org, or a self-hosted one)'),
    })
    .strict(),
  audio: z
    .object({
      input: audioDevice.describe('headless microphone: auto uses one if the system has it, or a device id from GET /api/audio/devices'),
      output: audioDevice.describe('headless speaker for replies: auto, system, none, or a device id from GET /api/audio/devices'),
    })
    .strict(),
  /** Home Assistant sees and controls Kiwi through MQTT discovery (main/integrations/mqtt). */
  mqtt: z
    .object({
      enabled: z.boolean(),
      url: z
        .union([
          z
            .string()
            .regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
            // What the regex lets through but no client can connect to: a broken host, a port past 65535.
            .refine((url) => URL.canParse(url), 'is not a URL Kiwi can connect to (check the host, and a port from 1 to 65535)'),
          z.literal(''),
        ])
        .describe('the broker, e.g. mqtt://homeassistant.local:1883'),
      username: z.string().max(256),
      password: z.string().max(1024),
      discovery_prefix: mqttTopic.describe("Home Assistant's discovery prefix (homeassistant unless changed in HA)"),
      base_topic: mqttTopic.describe("Kiwi's own state and command topics start with this"),
    })
    .strict(),
  /** Kiwi's STT, voices and wake words as a Wyoming service for Home Assistant's voice pipeline (main/integrations/wyoming). */
  wyoming: z
    .object({
      enabled: z.boolean(),
      host: z.string().min(1).max(255),
      port: z.number().int().min(0).max(65535),
      allowed_clients: z
        .array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]))
        .max(32)
        .describe('addresses or subnets (192.168.1.0/24) besides loopback that may connect; Wyoming has no credentials, so binding beyond loopback needs this list'),
    })
    .strict(),
  api: z
    .object({
      host: z.string().min(1).max(255),
      port: z.number().int().min(0).max(65535),
      auth: z.object({ enabled: z.boolean(), tokens: z.array(ApiToken).max(64) }).strict(),
      allowed_hosts: z.array(z.string().min(1).max(255)).max(32),
      max_audio_clients: z.number().int().min(0).max(32),
      /** Requests per client address and route class (token buckets: a whole minute's worth may come at once). */
      rate_limits: z
        .object({
          enabled: z.boolean(),
          auth_failures_per_minute: z.number().int().min(1).max(10_000).describe('wrong tokens and logins; past it, credentials are refused for a while'),
          commands_per_minute: z.number().int().min(1).max(100_000).describe('chat, TTS test, enrolment, Home Assistant commands, model downloads'),
          requests_per_minute: z.number().int().min(1).max(1_000_000).describe('every other API request (status, reads, settings)'),
        })
        .strict(),
    })
    .strict(),
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
