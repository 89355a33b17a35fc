import { z } from 'zod';
import { ConfigPatchSchema, ConfigView, Scope, SoulId } from './config.ts';
import { EngineState } from './state.ts';
import { LanguageCode, LANGUAGES } from './languages.ts';
import { SpeakerId } from './api-speakers.ts';

/** Request and response bodies of the REST API (the seed's shapes, extended only compatibly). */
export * from './api-speakers.ts';
export * from './api-models.ts';
export * from './api-timers.ts';
export * from './api-security.ts';

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Where Kiwi stands with its OpenClaw gateway; pairing_required: approve Kiwi on the gateway. */
export const OpenClawPairingState = z.enum(['idle', 'connecting', 'connected', 'pairing_required', 'refused', 'unreachable']);

export const Status = z.object({
  state: EngineState,
  language: LanguageCode,
  tts_provider: z.string().describe("the voice that speaks now: the configured one, 'system' when Kiwi fell back to it, 'none' when no voice works"),
  tts_configured: z.string().describe('the voice config asks for (tts_provider in /api/config)'),
  voice: z
    .object({
      voices: z.array(z.string()).describe("the speaking model's voices, in speaker-id order; tts_voice picks one by name (or number)"),
      speaking: z.string().describe('the one that speaks'),
      note: z.string().nullable().describe('set when tts_voice is not one of them: which voice speaks instead'),
    })
    .nullable()
    .optional()
    .describe('the voice within the speaking model; null when it has only one'),
  is_speaking: z.boolean(),
  is_processing: z.boolean().describe('true while PROCESSING or THINKING'),
  is_running: z.boolean(),
  uptime_seconds: z.number().int(),
  active_speaker: z.string().nullable().describe('name of the speaker of the current or last turn'),
  active_soul: z.string().describe('id of the active soul'),
  homeassistant_connected: z.boolean(),
  listening: z.boolean().describe('Kiwi listens now: on in config and its listening stages (vad, stt) are there'),
  household_open: z.boolean().describe('no owner is enrolled yet: every voice may change the soul and language as the owner could'),
  hands_free_active: z.boolean().describe('voice.owner_hands_free: the owner may speak without the wake word now'),
  web_audio_clients: z.number().int(),
  missing: z.array(z.string()).describe('engine parts that are not available, with the reason'),
  rebuilding: z.array(z.string()).describe('stages being rebuilt after a config change (`stage: why`); requests that need one answer 503 rebuilding meanwhile'),
  openclaw: z
    .object({
      state: OpenClawPairingState,
      gateway: z.string().nullable(),
      device_id: z.string().nullable().describe("Kiwi's device id, as `openclaw devices list` shows it"),
      request_id: z.string().nullable().describe('the pending pairing request: `openclaw devices approve <request_id>`'),
      scopes: z.array(z.string()),
      message: z.string().nullable(),
      since: z.string(),
    })
    .nullable()
    .optional()
    .describe('llm.provider openclaw only: where Kiwi stands with the gateway'),
  system_microphone: z
    .object({
      state: z.enum(['listening', 'restarting', 'stopped']),
      recorder: z.string().describe('parec, arecord, rec or ffmpeg-dshow'),
      restarts: z.number().int().describe('times the recorder was started again after it died'),
      last_error: z.string().nullable(),
    })
    .nullable()
    .optional()
    .describe('the headless server\'s own microphone (null when none is used); it restarts itself with backoff when its recorder dies'),
  wake_word_engine: z
    .enum(['kws', 'openwakeword', 'text'])
    .describe('the wake engine listening now: the configured one, or text (the transcript) when it has no usable model'),
  wake_confirm: z
    .enum(['transcript', 'off'])
    .nullable()
    .optional()
    .describe("with wake_word_engine kws: 'transcript' when the utterance's transcript confirms the spotter (two-stage wake), 'off' when the spotter decides alone; null for other engines"),
  fallbacks: z
    .array(
      z.object({
        stage: z.string().describe("engine part (wake, tts, …), or 'soul' when souls.default names no usable soul"),
        configured: z.string().describe('what config asks for'),
        used: z.string().describe('what runs instead'),
        reason: z.string(),
      }),
    )
    .describe('engine parts (and the default soul) running on their usable alternative instead of the configured one, and why'),
});
export type Status = z.infer<typeof Status>;

export const ConfigPatchResult = z.object({ updated: z.record(z.string(), z.unknown()) });

export const Languages = z.object({ current: LanguageCode, available: z.array(LanguageCode) });
export const LanguageBody = z.object({ language: LanguageCode }).strict();

export const SoulSummary = z.object({
  id: SoulId,
  name: z.string(),
  description: z.string(),
  nsfw: z.boolean(),
  model: z.string(),
  active: z.boolean(),
  builtin: z.boolean(),
});
export const SoulList = z.object({ souls: z.array(SoulSummary), active: SoulId, default: SoulId });
export const CurrentSoul = z.object({
  id: SoulId,
  name: z.string(),
  description: z.string(),
  nsfw: z.boolean(),
  model: z.string(),
});
export const SoulBody = z.object({ soul: SoulId }).strict();

/** One line of front matter: YAML quotes it, but a line break could still smuggle in a fence. */
const soulLine = (max: number) => z.string().trim().max(max).regex(/^[^\r\n]*$/, 'must be one line');
export const SoulParams = z.object({ soul_id: SoulId });
/** A user soul as PUT /api/souls/{soul_id} writes it: the front matter fields and the markdown prompt. */
export const SoulWrite = z
  .object({
    name: soulLine(64).min(1),
    description: soulLine(280).default(''),
    model: soulLine(128).default(''),
    nsfw: z.boolean().default(false),
    voice: soulLine(64).min(1).optional(),
    style: soulLine(32).min(1).optional(),
    prompt: z.string().trim().min(1).max(16_000).describe('markdown, composed over the base prompt'),
  })
  .strict();
export type SoulWrite = z.infer<typeof SoulWrite>;
export const SoulDocument = z.object({
  id: SoulId,
  name: z.string(),
  description: z.string(),
  model: z.string().describe("the soul's own LLM model override ('' = llm.model)"),
  nsfw: z.boolean(),
  voice: z.string().optional(),
  style: z.string().optional(),
  prompt: z.string(),
  builtin: z.boolean().describe('built-in souls are read-only; a user soul with the same id replaces one'),
});
export const SoulSwitched = z.object({ soul: SoulId, name: z.string(), nsfw: z.boolean(), model: z.string() });

export const TtsTestBody = z.object({ text: z.string().trim().min(1).max(2000) }).partial().strict();
export const TtsTestResult = z.object({ status: z.literal('speaking'), text: z.string() });

export const StatusWord = <T extends string>(word: T) => z.object({ status: z.literal(word) });
export const ResetContextBody = z.object({ speaker_id: SpeakerId }).partial().strict();

export const HaStatus = z.object({
  enabled: z.boolean(),
  connected: z.boolean(),
  last_error: z.string().nullable(),
});
/** GET /api/integrations: Home Assistant's ways into Kiwi (MQTT discovery, the Wyoming service). */
export const IntegrationsStatus = z.object({
  mqtt: z.object({
    enabled: z.boolean(),
    connected: z.boolean(),
    broker: z.string().nullable().describe('the broker URL, without credentials'),
    entities: z.number().int().describe('discovery configs published on the current connection'),
    error: z.string().nullable(),
  }),
  wyoming: z.object({
    enabled: z.boolean(),
    listening: z.boolean(),
    host: z.string(),
    port: z.number().int(),
    clients: z.number().int().describe('Wyoming connections open now'),
    error: z.string().nullable(),
  }),
});
export const HaCommandBody = z
  .object({ text: z.string().trim().min(1).max(1000), language: LanguageCode.optional() })
  .strict();
export const HaCommandResult = z.object({ response: z.string(), command: z.string() });

export const ChatBody = z
  .object({
    text: z.string().trim().min(1).max(2000),
    language: LanguageCode.optional(),
    speak: z.boolean().optional().describe('also speak the reply through the audio sinks (default true)'),
  })
  .strict();
/** Why a turn's answer failed; its reply then says so in words. */
export const TurnError = z
  .object({ code: z.string().describe('llm_unreachable, llm_unauthorized, llm_timeout, llm_bad_response, llm_failed, homeassistant_failed, …'), message: z.string() })
  .describe('the answer failed (the LLM or Home Assistant could not answer): reply is what Kiwi said about it');

export const ChatResult = z.object({
  command: z.string().nullable().describe('what handled it: a built-in command, homeassistant, llm, or null'),
  reply: z.string().nullable(),
  interrupted: z.string().optional().describe('why the turn was cut short (stopped, superseded by a newer turn): command and reply are still what ran'),
  error: TurnError.optional(),
  turn_id: z.string().describe('the turn this chat ran as: every event of it (TURN_STARTED ... TURN_FINISHED) carries this id'),
});

export const AuthScopes = z.object({
  auth_enabled: z.boolean(),
  scopes: z.array(Scope),
  name: z.string().nullable(),
});
export const LoginBody = z.object({ token: z.string().min(1).max(256) }).strict();

const AudioDevice = z.object({
  id: z.string().describe('pulse:<source or sink name> or alsa:<pcm name>: a value for config audio.input / audio.output'),
  name: z.string().describe("the device's description, as the sound settings show it"),
  default: z.boolean().describe("the system's default device (what auto and system use)"),
});
export const AudioDevices = z.object({
  stack: z.enum(['pulse', 'alsa']).nullable().describe('the sound stack listed (PulseAudio / PipeWire, ALSA); null: none found, the lists are empty'),
  inputs: z.array(AudioDevice).describe('microphones (monitors of outputs last)'),
  outputs: z.array(AudioDevice),
});

/** One finished turn of the conversation history (GET /api/conversation): what TURN_FINISHED said, kept. */
export const ConversationTurn = z.object({
  turn_id: z.string().describe('the turn: its live events (TURN_FINISHED …) carry the same id'),
  at: z.string().describe('when it finished (ISO-8601 UTC)'),
  source: z.string().describe("an audio source id, 'text' or 'announcement'"),
  wake: z.boolean(),
  transcript: z.string(),
  language: z.string(),
  speaker: z.object({ id: z.string(), name: z.string(), confidence: z.number() }).nullable().describe('who spoke (null: an unknown voice or a typed turn)'),
  command: z.string().nullable(),
  reply: z.string().nullable(),
  interrupted: z.string().optional().describe("why the turn was cut short (stopped, superseded, barge_in): its command still ran, and reply is what it produced"),
  timings_ms: z.record(z.string(), z.number()).describe('stage -> ms from the turn origin to the end of that stage'),
  llm: z
    .object({ model: z.string(), soul: z.string(), first_token_ms: z.number().nullable(), ms: z.number(), status: z.string() })
    .nullable()
    .describe("the LLM's answer, when the LLM answered"),
});
export type ConversationTurn = z.infer<typeof ConversationTurn>;
export const ConversationQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50).describe('how many of the newest turns (1..500, default 50)'),
    before: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("a turn_id: only turns older than it (the next page back: the first turn_id of the page before). Without it, the newest turns"),
  })
  .strict();
export const ConversationPage = z.object({
  turns: z.array(ConversationTurn).describe('oldest first: the newest turn is last, where a live TURN_FINISHED would go'),
  has_more: z.boolean().describe('older turns are kept than these: ask again with before = the first turn_id here'),
});

export { ConfigPatchSchema, ConfigView, LANGUAGES };
